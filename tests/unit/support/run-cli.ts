// Runs s3-share in-process with a fake terminal and test credentials: cli.ts's main(), with every
// command, its error mapping and its exit codes (usage 2, operation 1).
import { runMain, type RunOptions } from './fake-io';

export const CREDS = { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'unit-secret-value', AWS_REGION: 'us-east-1' };

/** The program with CREDS in its environment (opts.env adds to them or overrides them). */
export function runCli(args: string[], opts: RunOptions = {}) {
  return runMain(args, { ...opts, env: { ...CREDS, ...opts.env } });
}

/** `s3-share create ...`; tty: stderr is a terminal (create then waits for the key by default). */
export function create(args: string[], opts: { stdin?: string; tty?: boolean } = {}) {
  return runCli(['create', ...args], { stdin: opts.stdin, tty: { stderr: !!opts.tty } });
}
