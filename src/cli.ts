/**
 * The s3-share program: global behaviour, one line per command, and the mapping from failures to
 * one-line errors and exit codes (0 success, 1 an operation failed, 2 the command line was wrong).
 */
import { Command, CommanderError } from 'commander';
import pkg from '../package.json';
import { describeAwsError, isAwsError } from './aws/errors';
import { registerAssumeAndSync } from './commands/assume-and-sync';
import { registerCreate } from './commands/create';
import { registerDeleteObjects } from './commands/delete-objects';
import { registerDeleteUser } from './commands/delete-user';
import { registerGetBucketPolicy } from './commands/get-bucket-policy';
import { registerGetObject } from './commands/get-object';
import { registerGetObjects } from './commands/get-objects';
import { registerGrantAccount } from './commands/grant-account';
import { registerListBucket } from './commands/list-bucket';
import { registerListBuckets } from './commands/list-buckets';
import { registerListUserPolicies } from './commands/list-user-policies';
import { registerListUsers } from './commands/list-users';
import { registerPolicy } from './commands/policy';
import { registerPutObject } from './commands/put-object';
import { registerPutObjects } from './commands/put-objects';
import { registerRevokeAccount } from './commands/revoke-account';
import { registerRotateKey } from './commands/rotate-key';
import { registerShare } from './commands/share';
import { registerWhoami } from './commands/whoami';
import { processIo, type CliIo } from './commands/io';
import { InterruptedError, OperationError, UsageError } from './errors';

const COMMANDS: Array<(program: Command, io: CliIo) => void> = [
  registerWhoami,
  registerListUsers,
  registerListBuckets,
  registerListUserPolicies,
  registerPolicy,
  registerCreate,
  registerRotateKey,
  registerDeleteUser,
  registerGrantAccount,
  registerRevokeAccount,
  registerGetBucketPolicy,
  registerAssumeAndSync,
  registerListBucket,
  registerGetObject,
  registerGetObjects,
  registerPutObject,
  registerPutObjects,
  registerDeleteObjects,
  registerShare,
];

export function buildProgram(io: CliIo): Command {
  const program = new Command('s3-share')
    .description('Hand out least-privilege AWS credentials for sharing S3 buckets, and deliver files with them')
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpCommand(false)
    .showSuggestionAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      "\nExamples:\n  $ s3-share whoami\n  $ s3-share list-users --nl | jq -r .UserName\n\nRun 's3-share COMMAND --help' for a command's options.",
    );
  for (const register of COMMANDS) register(program, io);
  for (const cmd of [program, ...program.commands]) {
    const name = cmd === program ? 's3-share' : `s3-share ${cmd.name()}`;
    cmd.exitOverride().configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      // Commander's own errors become one line with a pointer to the help.
      outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')} (see '${name} --help')\n`),
    });
  }
  return program;
}

/** Runs the CLI and returns its exit code. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    // Commander has printed its message already; anything it rejects is a usage error.
    return 2;
  }
  const line = (message: string) => io.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (err instanceof UsageError || err instanceof OperationError || err instanceof InterruptedError) {
    line(err.message);
    return err.exitCode;
  }
  if (isAwsError(err)) {
    line(describeAwsError(err));
    return 1;
  }
  const e = err as Error;
  if (io.env.S3_SHARE_DEBUG) io.stderr.write(`${e?.stack ?? String(err)}\n`);
  line(`${e?.message ?? String(err)}: this is unexpected; rerun with S3_SHARE_DEBUG=1 for details and report it`);
  return 1;
}

/** Entry point used by bin/s3-share. */
export async function run(): Promise<void> {
  const io = processIo();
  // `s3-share list-users | head` closes stdout early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const code = await main(process.argv.slice(2), io);
  process.exitCode = code;
  // Idle keep-alive sockets must not hold the process open once the work is done.
  setTimeout(() => process.exit(code), 200).unref();
}
