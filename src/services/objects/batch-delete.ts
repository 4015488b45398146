/**
 * The one way s3-share deletes objects: batched DeleteObjects, 1,000 keys per call (S3's limit),
 * from any source of keys, or of object versions and delete markers. Used by sync --delete,
 * delete-objects, delete-user --delete-objects and delete-bucket --delete-objects.
 */
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/** S3 accepts at most 1,000 keys per DeleteObjects call. */
export const DELETE_BATCH = 1000;

/** A key (its current object), or one version or delete marker of it. */
export type ObjectRef = string | { Key: string; VersionId?: string };

export interface DeleteFailure {
  Key: string;
  VersionId?: string;
  Code: string;
  Message: string;
}

export interface BatchDeleteResult {
  deleted: string[];
  failed: DeleteFailure[];
}

/**
 * Deletes the keys in batches. A key S3 refuses is reported in `failed` (the others still go); a
 * failing call (network, AccessDenied on the whole request) is thrown.
 */
export async function deleteKeys(
  s3: S3Client,
  bucket: string,
  keys: AsyncIterable<ObjectRef> | Iterable<ObjectRef>,
  onBatch?: (result: BatchDeleteResult) => void,
): Promise<BatchDeleteResult> {
  const total: BatchDeleteResult = { deleted: [], failed: [] };
  let batch: Array<{ Key: string; VersionId?: string }> = [];
  const flush = async () => {
    if (!batch.length) return;
    const sent = batch;
    batch = [];
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: sent, Quiet: true } }));
    const failed: DeleteFailure[] = (out.Errors ?? []).map((e) => ({
      Key: e.Key ?? '',
      ...(e.VersionId ? { VersionId: e.VersionId } : {}),
      Code: e.Code ?? 'Error',
      Message: e.Message ?? '',
    }));
    const id = (o: { Key: string; VersionId?: string }) => `${o.VersionId ?? ''}\u0000${o.Key}`;
    const failedIds = new Set(failed.map(id));
    const result = { deleted: sent.filter((o) => !failedIds.has(id(o))).map((o) => o.Key), failed };
    total.deleted.push(...result.deleted);
    total.failed.push(...failed);
    onBatch?.(result);
  };
  for await (const ref of keys) {
    batch.push(typeof ref === 'string' ? { Key: ref } : ref.VersionId ? { Key: ref.Key, VersionId: ref.VersionId } : { Key: ref.Key });
    if (batch.length >= DELETE_BATCH) await flush();
  }
  await flush();
  return total;
}
