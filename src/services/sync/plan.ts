/**
 * The sync plan: every local file under the folder is uploaded or skipped (as the strategy
 * decides), and with --delete every remote object under the prefix that has no local file is
 * deleted. Filters apply to both sides, so an excluded object is never deleted. No AWS calls
 * here: the remote side comes in as a listing, which makes the plan testable and --dry-run exact.
 */
import { forEachBounded } from '../concurrency';
import type { Destination } from './destination';
import { keyFor } from './destination';
import { isIncluded, type CompiledFilter } from './filters';
import { walkFiles, type LocalFile, type WalkIssue } from '../transfer/local-walk';
import type { RemoteObject } from './remote-listing';
import type { SyncStrategy, UploadReason } from './strategy';

export interface PlannedUpload {
  file: LocalFile;
  key: string;
  reason: UploadReason;
}

export interface PlannedSkip {
  file: LocalFile;
  key: string;
}

export interface SyncPlan {
  uploads: PlannedUpload[];
  skips: PlannedSkip[];
  deletes: RemoteObject[];
  issues: WalkIssue[];
  /** Bytes the uploads will send. */
  uploadBytes: number;
}

export interface PlanInput {
  root: string;
  dest: Destination;
  strategy: SyncStrategy;
  filters: readonly CompiledFilter[];
  delete: boolean;
  followSymlinks: boolean;
  /** Decisions evaluated at once (the checksum strategy reads files). */
  concurrency: number;
}

/**
 * @param remote the listing, or a promise of it: the local folder is walked while the listing is
 * still arriving, and decisions start when both are complete.
 */
export async function planSync(
  input: PlanInput,
  remote: ReadonlyMap<string, RemoteObject> | Promise<ReadonlyMap<string, RemoteObject>>,
): Promise<SyncPlan> {
  const issues: WalkIssue[] = [];
  const decided: Array<{ file: LocalFile; reason: UploadReason | undefined }> = [];
  const seen = new Set<string>();
  for await (const file of walkFiles(input.root, { followSymlinks: input.followSymlinks, onIssue: (i) => issues.push(i) })) {
    if (!isIncluded(file.relativePath, input.filters)) continue;
    seen.add(file.relativePath);
    decided.push({ file, reason: undefined });
  }
  const listing = await remote;
  await forEachBounded(decided, input.concurrency, (entry) =>
    input.strategy.decide(entry.file, listing.get(entry.file.relativePath)).then(
      (reason) => void (entry.reason = reason),
      // A file that cannot be read to compare is uploaded, and fails there with its own error.
      () => void (entry.reason = 'checksum'),
    ),
  );

  const plan: SyncPlan = { uploads: [], skips: [], deletes: [], issues, uploadBytes: 0 };
  for (const { file, reason } of decided) {
    const key = keyFor(input.dest, file.relativePath);
    if (reason) {
      plan.uploads.push({ file, key, reason });
      plan.uploadBytes += file.size;
    } else plan.skips.push({ file, key });
  }
  if (input.delete) {
    // What the walk could not read (a folder without permission, a broken link, a loop) may well
    // exist locally: its remote copies are kept, never deleted for looking absent.
    const unknown = issues.map((i) => (i.relativePath === '.' ? '' : i.relativePath));
    const unseen = (key: string) => unknown.some((p) => p === '' || key === p || key.startsWith(`${p}/`));
    for (const object of listing.values()) {
      // The prefix's own folder marker is not a file of the folder.
      if (object.relativeKey === '' || seen.has(object.relativeKey) || unseen(object.relativeKey)) continue;
      if (isIncluded(object.relativeKey, input.filters)) plan.deletes.push(object);
    }
  }
  return plan;
}
