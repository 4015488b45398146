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
import { deleteKeys, type BatchDeleteResult } from '../objects/batch-delete';
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

/** Every key in the bucket, for --dry-run. */
export function bucketKeys(s3: S3Client, bucket: string): AsyncIterable<string> {
  return listKeys(s3, bucket);
}

/**
 * Deletes every object and then the bucket. Objects are deleted in batches as the listing
 * arrives; if any is refused the bucket is left in place (DeleteBucket would fail anyway) and
 * the count is thrown. A versioned bucket that still holds versions is refused before anything
 * is deleted: the batched delete removes current objects only, which on a versioned bucket
 * would just add delete markers and leave DeleteBucket failing.
 */
export async function emptyAndDeleteBucket(
  s3: S3Client,
  bucket: string,
  contents: BucketContents,
  onBatch?: (result: BatchDeleteResult) => void,
): Promise<{ deleted: number }> {
  if (contents.versioned && contents.count > 0) throw versionedRefusal(bucket, contents);
  let deleted = 0;
  if (contents.count > 0) {
    const result = await deleteKeys(s3, bucket, listKeys(s3, bucket), onBatch);
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

export function versionedRefusal(bucket: string, contents: BucketContents): OperationError {
  return new OperationError(
    `bucket ${bucket} is versioned and holds ${describeCount(contents)}, which S3 requires gone before the bucket: s3-share does not delete object versions yet; remove them (for example with a lifecycle rule that expires noncurrent versions and delete markers) and rerun`,
    'BucketNotEmpty',
  );
}
