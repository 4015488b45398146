// Runs `s3-share create ...` in-process: the real program with the create command registered, and
// the exit-code mapping of cli.ts (usage 2, operation 1).
import { CommanderError } from 'commander';
import { describeAwsError, isAwsError } from '../../../src/aws/errors';
import { buildProgram } from '../../../src/cli';
import { registerCreate } from '../../../src/commands/create';
import { OperationError, UsageError } from '../../../src/errors';
import { fakeIo } from '../foundation/fake-io';

export const CREDS = { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'unit-secret-value', AWS_REGION: 'us-east-1' };

export async function create(args: string[], opts: { stdin?: string; tty?: boolean } = {}) {
  const f = fakeIo(CREDS, opts.stdin ?? '');
  f.io.stderrIsTTY = !!opts.tty;
  const program = buildProgram(f.io);
  if (!program.commands.some((c) => c.name() === 'create')) registerCreate(program, f.io);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => void f.io.stdout.write(s), writeErr: (s) => void f.io.stderr.write(s) });
  }
  let code = 0;
  try {
    await program.parseAsync(['create', ...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) code = err.code === 'commander.helpDisplayed' ? 0 : 2;
    else if (err instanceof UsageError || err instanceof OperationError) {
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

export const awsError = (name: string, status = 400, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
