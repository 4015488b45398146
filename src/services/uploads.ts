/**
 * put-objects: local files and folders become keys (planned first, so --dry-run and tests need no
 * AWS), then go up through uploadFile, `concurrency` files at a time under one shared BufferBudget.
 * A file that fails does not stop the others. Aborting the signal stops new files, cancels those
 * in flight (their multipart uploads are aborted on S3) and resolves with `aborted: true`.
 *
 * Key layout, as `s3-credentials put-objects`: a file keeps its name (`docs/a.txt` -> `a.txt`); a
 * folder keeps its own name as the first segment (`photos/` -> `photos/2024/a.jpg`), so pass
 * `photos/*` (or `cd photos && ... .`) to upload a folder's contents at the top. `.` means the
 * current folder's contents. `--prefix` goes in front of every key.
 */
import { setMaxListeners } from 'node:events';
import { stat } from 'node:fs/promises';
import { basename, normalize, resolve, sep } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeAwsError, isAwsError } from '../aws/errors';
import { UsageError } from '../errors';
import { createBufferBudget } from './transfer/buffer-budget';
import { contentTypeFor } from './transfer/content-type';
import { uploadFile, type UploadResult } from './transfer/upload';
import { walkFiles, type WalkIssue } from './sync/local-walk';
// The same memory cap as assume-and-sync.
import { DEFAULT_MEMORY_BYTES } from './sync/sync';

export interface PlannedUpload {
  /** The local file. */
  path: string;
  key: string;
  size: number;
}

export interface UploadPlan {
  uploads: PlannedUpload[];
  bytes: number;
  /** Things met while walking folders: links to nothing, loops, unreadable entries. */
  issues: Array<WalkIssue & { folder: string }>;
}

/**
 * The first key segment for a folder given on the command line: its own name (`photos/`,
 * `./photos`, `/data/photos` all give `photos`), or nothing for `.` (its contents go at the top).
 */
export function folderKeyName(arg: string): string {
  let normal = normalize(arg);
  while (normal.length > 1 && normal.endsWith(sep)) normal = normal.slice(0, -1);
  if (normal === '.') return '';
  return basename(resolve(arg));
}

/** The key for a file inside a folder argument (relativePath '/'-separated) or a file argument (relativePath undefined). */
export function keyFor(arg: string, relativePath: string | undefined, prefix = ''): string {
  if (relativePath === undefined) return prefix + basename(resolve(arg));
  const name = folderKeyName(arg);
  return prefix + (name ? `${name}/` : '') + relativePath;
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? 'error';

/**
 * Every file to upload, in argument order (folders depth first, in name order). Throws UsageError
 * for a path that does not exist or is neither a file nor a folder, and for two files that would
 * land on the same key.
 */
export async function planUploads(paths: readonly string[], prefix = ''): Promise<UploadPlan> {
  const plan: UploadPlan = { uploads: [], bytes: 0, issues: [] };
  const byKey = new Map<string, string>();
  const add = (upload: PlannedUpload) => {
    const earlier = byKey.get(upload.key);
    if (earlier !== undefined) {
      if (resolve(earlier) === resolve(upload.path)) return; // the same file named twice
      throw new UsageError(`${earlier} and ${upload.path} would both be uploaded to the key ${upload.key}: upload them separately, or with different --prefix folders`);
    }
    byKey.set(upload.key, upload.path);
    plan.uploads.push(upload);
    plan.bytes += upload.size;
  };
  for (const arg of paths) {
    if (arg === '') throw new UsageError('a path is empty: give the files and folders to upload');
    let info;
    try {
      info = await stat(arg);
    } catch (err) {
      const code = errCode(err);
      const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
      throw new UsageError(`local path ${arg} ${what}: check the path and its permissions`);
    }
    if (info.isFile()) {
      add({ path: arg, key: keyFor(arg, undefined, prefix), size: info.size });
    } else if (info.isDirectory()) {
      const walk = walkFiles(arg, { followSymlinks: true, onIssue: (issue) => plan.issues.push({ ...issue, folder: arg }) });
      for await (const file of walk) add({ path: file.path, key: keyFor(arg, file.relativePath, prefix), size: file.size });
    } else {
      throw new UsageError(`local path ${arg} is not a regular file or a folder: give files and folders to upload`);
    }
  }
  return plan;
}

export type UploadOutcome =
  | { status: 'uploaded'; upload: PlannedUpload; result: UploadResult }
  | { status: 'failed'; upload: PlannedUpload; error: string };

export interface UploadManyInput {
  bucket: string;
  uploads: readonly PlannedUpload[];
  /** Files in flight at once. */
  concurrency: number;
  /** Bytes of file data held in memory at most, across all uploads. */
  memoryBytes?: number;
  signal?: AbortSignal;
}

export interface UploadManySink {
  /** Each file as it finishes (in completion order); not called for files cut short by an abort. */
  outcome(o: UploadOutcome): void;
  /** Bytes sent (each finished request). */
  progress?(bytes: number): void;
}

/** One line for a failed file: the AWS code and refused action, or the local cause. */
export function describeUploadError(err: unknown): string {
  if (isAwsError(err)) return describeAwsError(err);
  const e = err as NodeJS.ErrnoException;
  if (e?.code && e.syscall) return `cannot read the file (${e.code})`;
  return (e?.message ?? String(err)).replace(/\s+/g, ' ');
}

export async function uploadMany(s3: S3Client, input: UploadManyInput, sink: UploadManySink): Promise<{ aborted: boolean }> {
  // Every request in flight listens to the signal: more than Node's default warning limit of 10.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort(input.signal?.reason);
  if (input.signal?.aborted) stop.abort(input.signal.reason);
  input.signal?.addEventListener('abort', onAbort, { once: true });
  const budget = createBufferBudget(input.memoryBytes ?? DEFAULT_MEMORY_BYTES);
  const inFlight = new Set<Promise<void>>();
  try {
    for (const upload of input.uploads) {
      if (stop.signal.aborted) break;
      const task = uploadFile(s3, {
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
          if (!stop.signal.aborted) sink.outcome({ status: 'failed', upload, error: describeUploadError(err) });
        },
      );
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= input.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
  }
  return { aborted: stop.signal.aborted };
}
