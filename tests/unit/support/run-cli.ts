// Runs s3-share in-process with a fake terminal: cli.ts's main(), its error mapping and exit codes.
import { runMain } from './fake-io';

export const creds = { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'unit-secret-value', AWS_REGION: 'eu-west-1' };

export function runCommand(args: string[], opts: { tty?: boolean; stdin?: string; env?: Record<string, string | undefined> } = {}) {
  return runMain(args, { env: { ...creds, ...opts.env }, stdin: opts.stdin, tty: opts.tty });
}

export const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 403 } });
