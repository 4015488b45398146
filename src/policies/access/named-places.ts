/**
 * The buckets and folders a principal's policies name, so that the excess check also probes
 * there: its fixed probes try the granted buckets and one invented bucket, and a policy that
 * grants one specific other bucket ("partner-data/*") or another folder ("photos/bob/*") matches
 * neither. Pure: policy documents in, places out.
 */
import type { PolicySet } from './evaluate';
import { asList, statementsOf } from '../statements';

export interface NamedPlaces {
  buckets: string[];
  /** Folders ("bob/"), each ending in "/". */
  prefixes: string[];
}

function documentsOf(set: PolicySet): unknown[] {
  return [...(set.inline ?? []), ...(set.managed ?? []), ...(set.groups ?? []).flatMap((g) => [...g.inline, ...g.managed])].map(
    (p) => p.document,
  );
}

/** A concrete bucket and folder for each S3 resource pattern of the sets' statements (wildcards filled in). */
export function namedPlaces(sets: readonly PolicySet[]): NamedPlaces {
  const buckets = new Set<string>();
  const prefixes = new Set<string>();
  for (const s of sets.flatMap(documentsOf).flatMap(statementsOf)) {
    for (const r of [...asList(s.Resource), ...asList(s.NotResource)]) {
      if (typeof r !== 'string') continue;
      const m = /^arn:[\w*?-]+:s3:::([^/]+)(?:\/(.*))?$/.exec(r);
      if (!m) continue;
      // "photos-*" is probed as "photos-x": a name the pattern matches; "*" alone is the fixed probes' job.
      const bucket = m[1]!.replace(/[*?]/g, 'x');
      if (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) buckets.add(bucket);
      // The fixed part of the key: up to the first wildcard or policy variable.
      const fixed = (m[2] ?? '').split(/[*?]|\$\{/)[0]!;
      const folder = fixed.slice(0, fixed.lastIndexOf('/') + 1);
      if (folder) prefixes.add(folder);
    }
  }
  return { buckets: [...buckets], prefixes: [...prefixes] };
}
