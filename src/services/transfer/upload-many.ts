/**
 * Many files through the one upload path (uploadFile), for put-objects and assume-and-sync:
 * `concurrency` files at a time under one shared BufferBudget. A file that fails does not stop the
 * others. Aborting the signal stops new files, cancels those in flight (their multipart uploads
 * are aborted on S3) and resolves with `aborted: true`.
 */
import { setMaxListeners } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeAwsError, isAwsError } from '../../aws/errors';
import { forEachBounded } from '../concurrency';
import { createBufferBudget } from './buffer-budget';
import { contentTypeFor } from './content-type';
import { uploadFile, type UploadResult } from './upload';

/** Bytes of file data held in memory at most, across all uploads of a run. */
export const DEFAULT_MEMORY_BYTES = 96 * 1024 * 1024;

export interface UploadItem {
  /** The local file. */
  path: string;
  key: string;
  size: number;
}

export type UploadOutcome<T extends UploadItem = UploadItem> =
  { status: 'uploaded'; upload: T; result: UploadResult } | { status: 'failed'; upload: T; error: string };

export interface UploadManyInput<T extends UploadItem> {
  bucket: string;
  uploads: readonly T[];
  /** Files in flight at once. */
  concurrency: number;
  /** Bytes of file data held in memory at most, across all uploads. */
  memoryBytes?: number;
  signal?: AbortSignal;
}

export interface UploadManySink<T extends UploadItem> {
  /** Each file as it finishes (in completion order); not called for files cut short by an abort. */
  outcome(o: UploadOutcome<T>): void;
  /** Bytes sent (each finished request). */
  progress?(bytes: number): void;
}

/** One line for a failed file: the AWS code and refused action, or the local cause. */
export function describeFileError(err: unknown): string {
  if (isAwsError(err)) return describeAwsError(err);
  const e = err as NodeJS.ErrnoException;
  if (e?.code && e.syscall) return `cannot read the file (${e.code})`;
  return (e?.message ?? String(err)).replace(/\s+/g, ' ');
}

export async function uploadMany<T extends UploadItem>(
  s3: S3Client,
  input: UploadManyInput<T>,
  sink: UploadManySink<T>,
): Promise<{ aborted: boolean }> {
  // Every request in flight listens to the signal: more than Node's default warning limit of 10.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort(input.signal?.reason);
  if (input.signal?.aborted) stop.abort(input.signal.reason);
  input.signal?.addEventListener('abort', onAbort, { once: true });
  const budget = createBufferBudget(input.memoryBytes ?? DEFAULT_MEMORY_BYTES);
  try {
    await forEachBounded(
      input.uploads,
      input.concurrency,
      (upload) =>
        uploadFile(s3, {
          bucket: input.bucket,
          key: upload.key,
          source: upload.path,
          size: upload.size,
          contentType: contentTypeFor(upload.key),
          signal: stop.signal,
          budget,
          onProgress: (bytes) => sink.progress?.(bytes),
        }).then(
          (result) => sink.outcome({ status: 'uploaded', upload, result }),
          (err: unknown) => {
            if (!stop.signal.aborted) sink.outcome({ status: 'failed', upload, error: describeFileError(err) });
          },
        ),
      () => stop.signal.aborted,
    );
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
  }
  return { aborted: stop.signal.aborted };
}
