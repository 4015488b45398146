/**
 * The one way s3-share deletes objects: batched DeleteObjects, 1,000 keys per call (S3's limit),
 * from any source of keys. Used by sync --delete, delete-objects and delete-user --delete-objects.
 */
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/** S3 accepts at most 1,000 keys per DeleteObjects call. */
export const DELETE_BATCH = 1000;

export interface DeleteFailure {
  Key: string;
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
  keys: AsyncIterable<string> | Iterable<string>,
  onBatch?: (result: BatchDeleteResult) => void,
): Promise<BatchDeleteResult> {
  const total: BatchDeleteResult = { deleted: [], failed: [] };
  let batch: string[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const sent = batch;
    batch = [];
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: sent.map((Key) => ({ Key })), Quiet: true } }));
    const failed = (out.Errors ?? []).map((e) => ({ Key: e.Key ?? '', Code: e.Code ?? 'Error', Message: e.Message ?? '' }));
    const failedKeys = new Set(failed.map((f) => f.Key));
    const result = { deleted: sent.filter((k) => !failedKeys.has(k)), failed };
    total.deleted.push(...result.deleted);
    total.failed.push(...failed);
    onBatch?.(result);
  };
  for await (const key of keys) {
    batch.push(key);
    if (batch.length >= DELETE_BATCH) await flush();
  }
  await flush();
  return total;
}
