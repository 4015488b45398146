/**
 * Runs a sync: list the destination once, plan, then upload (many files at once, each through
 * uploadFile) and delete (through deleteKeys). Reports every file as an event; never prints.
 * A file that fails does not stop the others. Aborting the signal stops new work, cancels what is
 * in flight (multipart uploads are aborted on S3) and resolves with `aborted: true`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { deleteKeys } from '../objects/batch-delete';
import { describeFileError, uploadMany } from '../transfer/upload-many';
import type { Destination } from './destination';
import type { CompiledFilter } from './filters';
import type { WalkIssue } from '../transfer/local-walk';
import { planSync, type SyncPlan } from './plan';
import { listRemote } from './remote-listing';
import type { SyncStrategy, UploadReason } from './strategy';

export type SyncEvent =
  | { event: 'uploaded'; key: string; size: number }
  | { event: 'skipped'; key: string; size: number }
  | { event: 'deleted'; key: string; size: number }
  | { event: 'failed'; key: string; size: number; error: string }
  | { event: 'would-upload'; key: string; size: number; reason: UploadReason }
  | { event: 'would-delete'; key: string; size: number };

export interface SyncSummary {
  /** Objects that exist on S3 afterwards: a failed or interrupted file is not one. */
  uploaded: number;
  skipped: number;
  deleted: number;
  failed: number;
  /** The bytes of the uploaded objects (never those of parts sent for an upload then aborted). */
  bytes: number;
  seconds: number;
  aborted: boolean;
  failures: Array<{ key: string; error: string }>;
}

export interface SyncSink {
  event(e: SyncEvent): void;
  /** The plan is ready: totals for progress. */
  planned?(plan: { files: number; bytes: number }): void;
  /** Bytes sent (each finished request), for a live display: may include parts later aborted. */
  progress?(bytes: number): void;
  /** Something skipped that is not a failure (a symlink loop, a broken link). */
  warn?(message: string): void;
}

export interface SyncInput {
  root: string;
  dest: Destination;
  strategy: SyncStrategy;
  filters: readonly CompiledFilter[];
  delete: boolean;
  dryRun: boolean;
  followSymlinks: boolean;
  /** Files in flight at once. */
  concurrency: number;
  /** Bytes of file data held in memory at most, across all uploads. */
  memoryBytes?: number;
  signal?: AbortSignal;
}

function issueMessage(issue: WalkIssue): string {
  switch (issue.kind) {
    case 'loop':
      return `${issue.relativePath}: skipped, a symbolic link back to ${issue.target} (a loop)`;
    case 'broken-link':
      return `${issue.relativePath}: skipped, a symbolic link to nothing`;
    case 'special':
      return `${issue.relativePath}: skipped, not a regular file`;
    case 'unreadable':
      return `${issue.relativePath}: cannot be read (${issue.code})`;
  }
}

export async function runSync(s3: S3Client, input: SyncInput, sink: SyncSink): Promise<SyncSummary> {
  const started = Date.now();
  const summary: SyncSummary = { uploaded: 0, skipped: 0, deleted: 0, failed: 0, bytes: 0, seconds: 0, aborted: false, failures: [] };
  const fail = (key: string, size: number, error: string) => {
    summary.failed++;
    summary.failures.push({ key, error });
    sink.event({ event: 'failed', key, size, error });
  };
  const finish = () => {
    summary.seconds = (Date.now() - started) / 1000;
    summary.aborted = input.signal?.aborted ?? false;
    return summary;
  };

  // The listing (one request per 1,000 keys) and the local walk run side by side. A refused
  // listing is still the first error reported.
  const remote = listRemote(s3, input.dest);
  remote.catch(() => undefined);
  const [, plan]: [unknown, SyncPlan] = await Promise.all([remote, planSync(input, remote)]);
  for (const issue of plan.issues) {
    if (issue.kind === 'unreadable') fail(input.dest.prefix + issue.relativePath, 0, issueMessage(issue));
    else sink.warn?.(issueMessage(issue));
  }
  for (const s of plan.skips) {
    summary.skipped++;
    sink.event({ event: 'skipped', key: s.key, size: s.file.size });
  }
  if (input.dryRun) {
    for (const u of plan.uploads) sink.event({ event: 'would-upload', key: u.key, size: u.file.size, reason: u.reason });
    for (const d of plan.deletes) sink.event({ event: 'would-delete', key: d.key, size: d.size });
    return finish();
  }
  sink.planned?.({ files: plan.uploads.length, bytes: plan.uploadBytes });

  await uploadMany(
    s3,
    {
      bucket: input.dest.bucket,
      uploads: plan.uploads.map((u) => ({ path: u.file.path, key: u.key, size: u.file.size })),
      concurrency: input.concurrency,
      memoryBytes: input.memoryBytes,
      signal: input.signal,
    },
    {
      outcome: (o) => {
        if (o.status === 'failed') return fail(o.upload.key, o.upload.size, o.error);
        // Counted when the object exists: the parts of a multipart upload that is then aborted
        // (a failure, an interruption) went over the wire but were never uploaded.
        summary.uploaded++;
        summary.bytes += o.result.size;
        sink.event({ event: 'uploaded', key: o.upload.key, size: o.result.size });
      },
      // Live progress only: bytes sent, not bytes uploaded.
      progress: (bytes) => sink.progress?.(bytes),
    },
  );

  if (plan.deletes.length && !input.signal?.aborted) {
    const sizes = new Map(plan.deletes.map((d) => [d.key, d.size]));
    const settled = new Set<string>();
    try {
      await deleteKeys(
        s3,
        input.dest.bucket,
        plan.deletes.map((d) => d.key),
        (batch) => {
          for (const key of batch.deleted) {
            settled.add(key);
            summary.deleted++;
            sink.event({ event: 'deleted', key, size: sizes.get(key) ?? 0 });
          }
          for (const f of batch.failed) {
            settled.add(f.Key);
            fail(f.Key, sizes.get(f.Key) ?? 0, `${f.Message || 'not deleted'} (${f.Code})`);
          }
        },
      );
    } catch (err) {
      // A whole request was refused: every key not yet settled failed.
      const message = describeFileError(err);
      for (const d of plan.deletes) if (!settled.has(d.key)) fail(d.key, d.size, message);
    }
  }
  return finish();
}
