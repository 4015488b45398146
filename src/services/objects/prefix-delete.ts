/**
 * delete-user --delete-objects: deleting the objects in a folder that a user's policies grant
 * (policies/prefix-grants.ts decides which folders those are).
 */
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { PrefixTarget } from '../../policies/prefix-grants';
import { DELETE_BATCH, deleteKeys } from './batch-delete';

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
  if (!target.Prefix || !target.Prefix.endsWith('/'))
    throw new Error(`refusing to delete under prefix '${target.Prefix}': it must end in '/'`);
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
