// One temporary folder per jest run. Tests, their helpers and the processes they start make
// folders under os.tmpdir() and do not all remove them; rather than chase each one, the global
// setup points TMPDIR at a fresh folder (before jest forks its workers, so they and every child
// process inherit it) and the global teardown removes that folder with whatever is left in it.
//
// Each project (unit, e2e) has its own global setup and teardown, and jest runs a project's pair
// only when the run includes its tests, in an order that depends on the tests: the folder is
// counted in by every setup and removed by the last teardown.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface RunTempDir {
  dir: string;
  /** TMPDIR before the run (undefined: it was not set). */
  previousTmpdir: string | undefined;
  users: number;
}

declare global {
  // Setup and teardown run in jest's main process and share its global object.
  var __S3SHARE_RUN_TEMP_DIR__: RunTempDir | undefined;
}

/** Called by each project's global setup: creates the run's folder (once) and points TMPDIR at it. */
export function enterRunTempDir(): string {
  let run = globalThis.__S3SHARE_RUN_TEMP_DIR__;
  if (!run) {
    const previousTmpdir = process.env.TMPDIR;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-share-test-run-'));
    run = { dir, previousTmpdir, users: 0 };
    globalThis.__S3SHARE_RUN_TEMP_DIR__ = run;
    process.env.TMPDIR = dir;
  }
  run.users += 1;
  return run.dir;
}

/** Called by each project's global teardown: the last one removes the folder and restores TMPDIR. */
export function leaveRunTempDir(): void {
  const run = globalThis.__S3SHARE_RUN_TEMP_DIR__;
  if (!run) return;
  run.users -= 1;
  if (run.users <= 0) removeRunTempDir();
}

/** Removes the folder at once: for a global setup that fails, after which jest runs no teardown. */
export function removeRunTempDir(): void {
  const run = globalThis.__S3SHARE_RUN_TEMP_DIR__;
  if (!run) return;
  globalThis.__S3SHARE_RUN_TEMP_DIR__ = undefined;
  if (run.previousTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = run.previousTmpdir;
  fs.rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
}
