/**
 * Deleting a bucket: what it holds (S3 refuses DeleteBucket while any object, old version or
 * delete marker remains), emptying it through the one batched delete, then the bucket itself.
 */
import {
  DeleteBucketCommand,
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { OperationError } from '../../errors';
import { deleteKeys, type BatchDeleteResult, type ObjectRef } from '../objects/batch-delete';
import { listKeys } from '../objects/list';

/** One page: enough to say "at least N" without listing a large bucket to refuse it. */
const COUNT_PAGE = 1000;

export interface BucketContents {
  /** Versioning is or was on (Enabled or Suspended): old versions and delete markers may remain. */
  versioned: boolean;
  /** Objects (current objects; on a versioned bucket, versions and delete markers), at least. */
  count: number;
  /** There are more than `count`. */
  more: boolean;
}

/** What stands between the bucket and DeleteBucket, read with one or two requests. */
export async function inspectBucket(s3: S3Client, bucket: string): Promise<BucketContents> {
  const { Status } = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  if (Status === 'Enabled' || Status === 'Suspended') {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: COUNT_PAGE }));
    const count = (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
    return { versioned: true, count, more: !!page.IsTruncated };
  }
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: COUNT_PAGE }));
  return { versioned: false, count: page.KeyCount ?? page.Contents?.length ?? 0, more: !!page.IsTruncated };
}

/** "1,000 or more object(s)" / "3 object(s)". */
export function describeCount(contents: BucketContents): string {
  return `${contents.count.toLocaleString('en-US')}${contents.more ? ' or more' : ''} ${
    contents.versioned ? 'object version(s) or delete marker(s)' : 'object(s)'
  }`;
}

/**
 * Every version and delete marker of every key, as S3 lists them. The SDK has no paginator for
 * ListObjectVersions (it pages on two markers), so this follows KeyMarker and VersionIdMarker.
 */
async function* versionRefs(s3: S3Client, bucket: string): AsyncGenerator<{ Key: string; VersionId?: string }> {
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker, VersionIdMarker }));
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (v.Key !== undefined) yield { Key: v.Key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) };
    }
    [KeyMarker, VersionIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [undefined, undefined];
  } while (KeyMarker !== undefined || VersionIdMarker !== undefined);
}

/**
 * What must go before the bucket can: every key, or on a bucket that is or was versioned every
 * version and delete marker (deleting current objects there only adds delete markers).
 */
export function bucketContents(s3: S3Client, bucket: string, contents: Pick<BucketContents, 'versioned'>): AsyncIterable<ObjectRef> {
  return contents.versioned ? versionRefs(s3, bucket) : listKeys(s3, bucket);
}

/**
 * Deletes every object (on a versioned bucket, every version and delete marker) and then the
 * bucket. Objects are deleted in batches as the listing arrives; if any is refused the bucket is
 * left in place (DeleteBucket would fail anyway) and the count is thrown.
 */
export async function emptyAndDeleteBucket(
  s3: S3Client,
  bucket: string,
  contents: BucketContents,
  onBatch?: (result: BatchDeleteResult) => void,
): Promise<{ deleted: number }> {
  let deleted = 0;
  if (contents.count > 0) {
    const result = await deleteKeys(s3, bucket, bucketContents(s3, bucket, contents), onBatch);
    deleted = result.deleted.length;
    if (result.failed.length) {
      const first = result.failed[0]!;
      throw new OperationError(
        `${result.failed.length} object(s) in ${bucket} not deleted (first: ${first.Key}: ${first.Code}), so the bucket was kept: fix the cause and rerun`,
        first.Code,
      );
    }
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  return { deleted };
}
