/**
 * Reading which folders a policy grants. Pure: documents in, folders out.
 *
 * grantedPrefixes, for delete-user --delete-objects: a grant is deletable only when it is bounded
 * to a folder: an object ARN `arn:aws:s3:::BUCKET/PREFIX*` (or `.../PREFIX/`-ending literal folder)
 * whose PREFIX is non-empty, ends in '/', and holds no wildcard. Listing with Prefix 'alice/' can
 * then never reach 'alice-evil/'. Anything wider (a whole bucket, `*` in a bucket name or
 * mid-prefix, Resource "*", NotResource) is refused, because deleting "what the user could reach"
 * would then mean deleting other people's data.
 *
 * listablePrefixes, for explaining an AccessDenied on a bucket-wide listing: the folders that
 * s3:ListBucket grants are limited to by their s3:prefix conditions.
 */
import { asList, statementsOf, type StatementFields } from './statements';

export interface PrefixTarget {
  Bucket: string;
  /** Non-empty, ends in '/'. */
  Prefix: string;
}

export interface PrefixScan {
  targets: PrefixTarget[];
  /** Why the grants cannot be bounded; empty when every S3 grant is a folder. */
  refusals: string[];
}

/** Whether a statement's actions may include an S3 action (s3:*, s3:GetObject, *, NotAction). */
function grantsS3(s: StatementFields): boolean {
  if (s.NotAction !== undefined) return true;
  return asList(s.Action).some((a) => typeof a === 'string' && (a === '*' || /^s3:/i.test(a)));
}

/**
 * The folders that the Allow statements of these policy documents grant, and the grants that
 * cannot be bounded to a folder. Bucket ARNs (ListBucket, GetBucketLocation) name no objects and
 * are skipped.
 */
export function grantedPrefixes(documents: unknown[]): PrefixScan {
  const targets = new Map<string, PrefixTarget>();
  const refusals = new Set<string>();
  for (const s of documents.flatMap(statementsOf)) {
    if (s.Effect !== 'Allow' || !grantsS3(s)) continue;
    if (s.NotResource !== undefined) {
      refusals.add('a statement grants S3 actions with NotResource, which cannot be bounded');
      continue;
    }
    for (const r of asList(s.Resource)) {
      if (typeof r !== 'string') continue;
      if (r === '*') {
        refusals.add('Resource "*" grants every bucket');
        continue;
      }
      const m = /^arn:aws[a-z-]*:s3:::(.*)$/.exec(r);
      if (!m) continue; // not an S3 resource (a role ARN, say)
      const rest = m[1]!;
      const slash = rest.indexOf('/');
      const bucket = slash < 0 ? rest : rest.slice(0, slash);
      if (/[*?$]/.test(bucket)) {
        refusals.add(`${r} has a wildcard in the bucket name`);
        continue;
      }
      if (slash < 0) continue; // the bucket itself: no objects
      const key = rest.slice(slash + 1);
      const prefix = key.endsWith('*') ? key.slice(0, -1) : key;
      if (prefix === '' || prefix === '/') {
        refusals.add(`${r} grants the whole bucket ${bucket}`);
      } else if (/[*?$]/.test(prefix)) {
        refusals.add(`${r} has a wildcard inside the prefix`);
      } else if (!prefix.endsWith('/')) {
        refusals.add(`${r} is not a folder (the prefix does not end in '/'), so its siblings cannot be told apart`);
      } else {
        targets.set(`${bucket}/${prefix}`, { Bucket: bucket, Prefix: prefix });
      }
    }
  }
  // A folder inside another granted folder is covered by the outer one.
  const list = [...targets.values()];
  const outer = list.filter(
    (t) => !list.some((o) => o !== t && o.Bucket === t.Bucket && t.Prefix.startsWith(o.Prefix) && o.Prefix !== t.Prefix),
  );
  return { targets: outer, refusals: [...refusals] };
}

function allowsListBucket(s: StatementFields): boolean {
  return asList(s.Action).some((a) => typeof a === 'string' && /^(\*|s3:\*|s3:ListBucket)$/i.test(a));
}

function namesBucket(s: StatementFields, bucket: string): boolean {
  return asList(s.Resource).some(
    (r) =>
      r === '*' ||
      r === `arn:aws:s3:::${bucket}` ||
      (typeof r === 'string' && /^arn:aws[a-z-]*:s3:::/.test(r) && r.endsWith(`:::${bucket}`)),
  );
}

/**
 * The prefixes that Allow statements granting s3:ListBucket on the bucket limit listing to
 * (their s3:prefix StringLike / StringEquals values, with a trailing '*' removed), in order.
 */
export function listablePrefixes(documents: unknown[], bucket: string): string[] {
  const found = new Set<string>();
  for (const doc of documents) {
    for (const s of statementsOf(doc)) {
      if (s.Effect !== 'Allow' || !allowsListBucket(s) || !namesBucket(s, bucket)) continue;
      const condition = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
      for (const operator of ['StringLike', 'StringEquals']) {
        for (const value of asList(condition[operator]?.['s3:prefix'])) {
          if (typeof value === 'string' && value !== '') found.add(value.replace(/\*$/, ''));
        }
      }
    }
  }
  return [...found];
}
