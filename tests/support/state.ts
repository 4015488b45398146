// The e2e state file: written by the jest global setup, read by test files (in any worker) and by
// the global teardown. Its path travels in process.env.S3SHARE_E2E_STATE (set in globalSetup, which
// runs before jest forks its workers, so they inherit it).
import * as fs from 'fs';
import type { Credentials } from './moto';

export const STATE_ENV = 'S3SHARE_E2E_STATE';

export type E2EState =
  | {
      available: true;
      endpoint: string;
      port: number;
      admin: Credentials;
      accountId: string;
      /** pid (and process-group id) of the python launcher. */
      pid: number;
      /** Scratch directory for this run (fresh HOMEs for the CLI); removed by the teardown. */
      scratchDir: string;
    }
  | { available: false; reason: string; scratchDir: string };

export function writeState(file: string, state: E2EState): void {
  fs.writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 }); // holds moto keys only
}

let cached: E2EState | undefined;

export function readState(): E2EState {
  if (cached) return cached;
  const file = process.env[STATE_ENV];
  if (!file) {
    throw new Error(`${STATE_ENV} is not set: run e2e tests through jest (--selectProjects e2e), whose globalSetup starts moto`);
  }
  cached = JSON.parse(fs.readFileSync(file, 'utf8')) as E2EState;
  return cached;
}
