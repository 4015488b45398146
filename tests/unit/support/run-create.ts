// Runs `s3-share create ...` in-process: the real program, with cli.ts's exit codes (usage 2, operation 1).
import { runMain } from './fake-io';

export const CREDS = { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'unit-secret-value', AWS_REGION: 'us-east-1' };

export function create(args: string[], opts: { stdin?: string; tty?: boolean } = {}) {
  return runMain(['create', ...args], { env: CREDS, stdin: opts.stdin, tty: { stderr: !!opts.tty } });
}

export const awsError = (name: string, status = 400, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
