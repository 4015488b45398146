// jest globalTeardown for the e2e project: stop the moto server, whatever the tests did.
import * as fs from 'fs';
import { isProcessAlive, killMotoProcessGroup } from './moto';
import { leaveRunTempDir } from './run-temp-dir';
import { STATE_ENV, type E2EState } from './state';

function isLauncher(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('moto_server.py');
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the pid
  }
}

export default async function globalTeardown(): Promise<void> {
  try {
    await stopSharedMoto();
  } finally {
    leaveRunTempDir(); // after moto has stopped: its temporary files live there too
  }
}

async function stopSharedMoto(): Promise<void> {
  const server = globalThis.__S3SHARE_MOTO__;
  globalThis.__S3SHARE_MOTO__ = undefined;
  if (server) await server.stop();

  const file = process.env[STATE_ENV];
  if (!file || !fs.existsSync(file)) return;
  let state: E2EState | undefined;
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8')) as E2EState;
  } catch {
    // unreadable state: nothing more we can do than removing it
  }
  // Belt and braces, for when the server object was lost (setup and teardown in different
  // processes): kill the launcher's process group by the pid in the state file, if that pid is
  // still our launcher.
  if (!server && state?.available && isProcessAlive(state.pid) && isLauncher(state.pid)) {
    killMotoProcessGroup(state.pid, 'SIGKILL');
  }
  if (state?.scratchDir) fs.rmSync(state.scratchDir, { recursive: true, force: true });
  else fs.rmSync(file, { force: true });
}
