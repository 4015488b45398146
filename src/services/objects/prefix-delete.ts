/**
 * --delete-objects: which S3 folders a user's policies grant, and deleting the objects in them.
 *
 * A grant is deletable only when it is bounded to a folder: an object ARN
 * `arn:aws:s3:::BUCKET/PREFIX*` (or `.../PREFIX/`-ending literal folder) whose PREFIX is non-empty,
 * ends in '/', and holds no wildcard. Listing with Prefix 'alice/' can then never reach
 * 'alice-evil/'. Anything wider (a whole bucket, `*` in a bucket name or mid-prefix, Resource "*",
 * NotResource) is refused, because deleting "what the user could reach" would then mean deleting
 * other people's data.
 */
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { DELETE_BATCH, deleteKeys } from './batch-delete';

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

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function statementsOf(document: unknown): Statement[] {
  if (!document || typeof document !== 'object') return [];
  return asList((document as { Statement?: unknown }).Statement).filter((s): s is Statement => !!s && typeof s === 'object');
}

/** Whether a statement's actions may include an S3 action (s3:*, s3:GetObject, *, NotAction). */
function grantsS3(s: Statement): boolean {
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
  const outer = list.filter((t) => !list.some((o) => o !== t && o.Bucket === t.Bucket && t.Prefix.startsWith(o.Prefix) && o.Prefix !== t.Prefix));
  return { targets: outer, refusals: [...refusals] };
}

export class ObjectDeletionError extends Error {
  constructor(
    message: string,
    readonly deleted: number,
  ) {
    super(message);
  }
}

/**
 * Deletes every object whose key starts with target.Prefix, listing with ListObjectsV2 and
 * deleting in DeleteObjects batches of 1,000. Returns how many were deleted. On a versioned
 * bucket this deletes current versions only (S3 leaves delete markers), as `aws s3 rm` does.
 */
export async function deletePrefixObjects(s3: S3Client, target: PrefixTarget): Promise<number> {
  if (!target.Prefix || !target.Prefix.endsWith('/')) throw new Error(`refusing to delete under prefix '${target.Prefix}': it must end in '/'`);
  const prefix = target.Prefix;
  async function* keys() {
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: DELETE_BATCH }, { Bucket: target.Bucket, Prefix: prefix })) {
      // Belt and braces: S3 already filters by Prefix.
      for (const o of page.Contents ?? []) if (o.Key && o.Key.startsWith(prefix)) yield o.Key;
    }
  }
  const { deleted, failed } = await deleteKeys(s3, target.Bucket, keys());
  if (failed.length) {
    const first = failed[0]!;
    throw new ObjectDeletionError(
      `${failed.length} object(s) under s3://${target.Bucket}/${prefix} were not deleted, e.g. ${first.Key}: ${first.Message} (${first.Code})`,
      deleted.length,
    );
  }
  return deleted.length;
}
