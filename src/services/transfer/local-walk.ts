/**
 * The files under a local folder, depth first in name order. Symbolic links are followed by default
 * (as aws-cli does) and skipped with followSymlinks: false. A link back to a folder that is being
 * walked (an ancestor, by real path) is a loop: it is reported and not entered. Two links to the
 * same folder from different places are not a loop; both are walked, as aws-cli does.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalFile {
  path: string;
  /** Relative to the root, '/'-separated. */
  relativePath: string;
  size: number;
  mtimeMs: number;
}

export type WalkIssue =
  | { kind: 'loop'; relativePath: string; target: string }
  | { kind: 'broken-link'; relativePath: string }
  | { kind: 'unreadable'; relativePath: string; code: string }
  | { kind: 'special'; relativePath: string };

export interface WalkOptions {
  followSymlinks: boolean;
  /** Things skipped along the way; the walk goes on. */
  onIssue?: (issue: WalkIssue) => void;
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? 'error';

export async function* walkFiles(root: string, opts: WalkOptions): AsyncGenerator<LocalFile> {
  const rootReal = await realpath(root);
  yield* walkDir(root, '', new Set([rootReal]), opts);
}

async function* walkDir(dir: string, relDir: string, ancestors: Set<string>, opts: WalkOptions): AsyncGenerator<LocalFile> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    opts.onIssue?.({ kind: 'unreadable', relativePath: relDir || '.', code: errCode(err) });
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    const relativePath = relDir ? `${relDir}/${name}` : name;
    let info;
    try {
      info = await lstat(path);
      if (info.isSymbolicLink()) {
        if (!opts.followSymlinks) continue;
        try {
          info = await stat(path);
        } catch {
          opts.onIssue?.({ kind: 'broken-link', relativePath });
          continue;
        }
      }
    } catch (err) {
      opts.onIssue?.({ kind: 'unreadable', relativePath, code: errCode(err) });
      continue;
    }
    if (info.isDirectory()) {
      let real: string;
      try {
        real = await realpath(path);
      } catch (err) {
        opts.onIssue?.({ kind: 'unreadable', relativePath, code: errCode(err) });
        continue;
      }
      if (ancestors.has(real)) {
        opts.onIssue?.({ kind: 'loop', relativePath, target: real });
        continue;
      }
      ancestors.add(real);
      yield* walkDir(path, relativePath, ancestors, opts);
      ancestors.delete(real);
    } else if (info.isFile()) {
      yield { path, relativePath, size: info.size, mtimeMs: info.mtimeMs };
    } else {
      opts.onIssue?.({ kind: 'special', relativePath });
    }
  }
}
