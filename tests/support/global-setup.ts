// jest globalSetup for the e2e project: start one IAM-enforcing moto server for the whole run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMotoAvailable, startMoto, type MotoServer } from './moto';
import { enterRunTempDir, removeRunTempDir } from './run-temp-dir';
import { STATE_ENV, writeState } from './state';

declare global {
  // Shared with global-teardown.ts (jest runs both in the same process and global object).
  var __S3SHARE_MOTO__: MotoServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  enterRunTempDir();
  try {
    await startSharedMoto();
  } catch (err) {
    removeRunTempDir(); // jest runs no teardown after a failed setup
    throw err;
  }
}

async function startSharedMoto(): Promise<void> {
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-share-e2e-'));
  const stateFile = path.join(scratchDir, 'state.json');
  process.env[STATE_ENV] = stateFile;

  if (!isMotoAvailable()) {
    const reason = 'moto_server not found (python3 cannot import moto.server)';
    // CI services set CI to different values (true, 1, yes...): any value makes e2e mandatory.
    if (process.env.CI) {
      throw new Error(`e2e tests are mandatory in CI (CI=${process.env.CI}), but ${reason}`);
    }
    process.stderr.write(`\n*** e2e tests skipped: ${reason} ***\n\n`);
    writeState(stateFile, { available: false, reason, scratchDir });
    return;
  }

  const server = await startMoto({ enforce: true });
  globalThis.__S3SHARE_MOTO__ = server;
  writeState(stateFile, {
    available: true,
    endpoint: server.endpoint,
    port: server.port,
    admin: server.admin,
    accountId: server.accountId,
    pid: server.pid,
    scratchDir,
  });
}
