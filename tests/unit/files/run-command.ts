// Runs one registered command in-process with a fake terminal, mapping errors to exit codes as cli.ts does.
import { Command } from 'commander';
import { describeAwsError, isAwsError } from '../../../src/aws/errors';
import type { CliIo } from '../../../src/commands/io';
import { OperationError, UsageError } from '../../../src/errors';
import { fakeIo } from '../foundation/fake-io';

export const creds = { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'unit-secret-value', AWS_REGION: 'eu-west-1' };

export async function runCommand(
  register: (program: Command, io: CliIo) => void,
  args: string[],
  opts: { tty?: boolean; stdin?: string; env?: Record<string, string | undefined> } = {},
) {
  const f = fakeIo({ ...creds, ...opts.env }, opts.stdin ?? '');
  if (opts.tty) {
    f.io.stdinIsTTY = true;
    f.io.stderrIsTTY = true;
  }
  const program = new Command('s3-share').exitOverride();
  register(program, f.io);
  let code = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof UsageError || err instanceof OperationError) {
      f.io.stderr.write(`error: ${err.message}\n`);
      code = err.exitCode;
    } else if (isAwsError(err)) {
      f.io.stderr.write(`error: ${describeAwsError(err)}\n`);
      code = 1;
    } else throw err;
  }
  await new Promise((r) => setImmediate(r));
  return { code, stdout: f.out(), stderr: f.err() };
}

export const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 403 } });
