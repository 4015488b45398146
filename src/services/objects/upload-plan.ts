/**
 * put-objects: local files and folders become keys, planned first so --dry-run and tests need no
 * AWS; transfer/upload-many then sends them.
 *
 * Key layout, as `s3-credentials put-objects`: a file keeps its name (`docs/a.txt` -> `a.txt`); a
 * folder keeps its own name as the first segment (`photos/` -> `photos/2024/a.jpg`), so pass
 * `photos/*` (or `cd photos && ... .`) to upload a folder's contents at the top. `.` means the
 * current folder's contents. `--prefix` goes in front of every key.
 */
import { stat } from 'node:fs/promises';
import { basename, normalize, resolve, sep } from 'node:path';
import { UsageError } from '../../errors';
import { walkFiles, type WalkIssue } from '../transfer/local-walk';
import type { UploadItem } from '../transfer/upload-many';

export type PlannedUpload = UploadItem;

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
      throw new UsageError(
        `${earlier} and ${upload.path} would both be uploaded to the key ${upload.key}: upload them separately, or with different --prefix folders`,
      );
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
