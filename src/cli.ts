/**
 * The s3-share program: global behaviour, one line per command, and the mapping from failures to
 * one-line errors and exit codes (0 success, 1 an operation failed, 2 the command line was wrong).
 */
import { Command, CommanderError, type Option } from 'commander';
import pkg from '../package.json';
import { describeAwsError, isAwsError } from './aws/errors';
import { processIo, type CliIo } from './io';
import { InterruptedError, OperationError, UsageError } from './errors';
import { escapingStderr } from './output/reporter';

type Register = (program: Command, io: CliIo) => void;

/**
 * Every command, in the order --help lists them. Each is loaded only when it runs (or for --help
 * and unknown commands, all of them): declaring 19 commands' options costs more start-up than
 * running one.
 */
const COMMANDS: Array<[name: string, load: () => Promise<Register>]> = [
  ['whoami', async () => (await import('./commands/whoami')).registerWhoami],
  ['list-users', async () => (await import('./commands/list-users')).registerListUsers],
  ['list-roles', async () => (await import('./commands/list-roles')).registerListRoles],
  ['list-buckets', async () => (await import('./commands/list-buckets')).registerListBuckets],
  ['list-user-policies', async () => (await import('./commands/list-user-policies')).registerListUserPolicies],
  ['policy', async () => (await import('./commands/policy')).registerPolicy],
  ['access', async () => (await import('./commands/access')).registerAccess],
  ['create', async () => (await import('./commands/create')).registerCreate],
  ['localserver', async () => (await import('./commands/localserver')).registerLocalserver],
  ['rotate-key', async () => (await import('./commands/rotate-key')).registerRotateKey],
  ['plan', async () => (await import('./commands/plan')).registerPlan],
  ['apply', async () => (await import('./commands/apply')).registerApply],
  ['delete-user', async () => (await import('./commands/delete-user')).registerDeleteUser],
  ['grant-account', async () => (await import('./commands/grant-account')).registerGrantAccount],
  ['revoke-account', async () => (await import('./commands/revoke-account')).registerRevokeAccount],
  ['get-bucket-policy', async () => (await import('./commands/get-bucket-policy')).registerGetBucketPolicy],
  ['set-bucket-policy', async () => (await import('./commands/set-bucket-policy')).registerSetBucketPolicy],
  ['debug-bucket', async () => (await import('./commands/debug-bucket')).registerDebugBucket],
  ['get-cors-policy', async () => (await import('./commands/get-cors-policy')).registerGetCorsPolicy],
  ['set-cors-policy', async () => (await import('./commands/set-cors-policy')).registerSetCorsPolicy],
  ['get-public-access-block', async () => (await import('./commands/get-public-access-block')).registerGetPublicAccessBlock],
  ['set-public-access-block', async () => (await import('./commands/set-public-access-block')).registerSetPublicAccessBlock],
  ['assume-and-sync', async () => (await import('./commands/assume-and-sync')).registerAssumeAndSync],
  ['list-bucket', async () => (await import('./commands/list-bucket')).registerListBucket],
  ['get-object', async () => (await import('./commands/get-object')).registerGetObject],
  ['get-objects', async () => (await import('./commands/get-objects')).registerGetObjects],
  ['put-object', async () => (await import('./commands/put-object')).registerPutObject],
  ['put-objects', async () => (await import('./commands/put-objects')).registerPutObjects],
  ['delete-objects', async () => (await import('./commands/delete-objects')).registerDeleteObjects],
  ['delete-bucket', async () => (await import('./commands/delete-bucket')).registerDeleteBucket],
  ['share', async () => (await import('./commands/share')).registerShare],
  ['completion', async () => (await import('./commands/completion')).registerCompletion],
];

/**
 * The program with the commands `argv` needs: the one it names, none for --version, or all of
 * them (help, no command, an unknown one). Without argv, all of them.
 */
export async function buildProgram(io: CliIo, argv?: string[]): Promise<Command> {
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
  const first = argv?.[0];
  const named = COMMANDS.filter(([name]) => name === first);
  // completion describes every command, so it needs them all declared.
  const needed = first === '-V' || first === '--version' ? [] : named.length && first !== 'completion' ? named : COMMANDS;
  for (const register of await Promise.all(needed.map(([, load]) => load()))) register(program, io);
  for (const cmd of [program, ...program.commands]) {
    const name = cmd === program ? 's3-share' : `s3-share ${cmd.name()}`;
    cmd.exitOverride().configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      // Help shown for a mistake is several lines on purpose: it goes out unescaped.
      writeErr: (s) => void (rawStderr.get(io) ?? io.stderr).write(s),
      // Commander's own errors become one line with a pointer to the help.
      outputError: (s) => void io.stderr.write(`${s.trim().replace(/\s*\n\s*/g, ' ')} (see '${name} --help')\n`),
    });
  }
  return program;
}

/** The terminal behind a CliIo whose stderr escapes control characters. */
const rawStderr = new WeakMap<CliIo, CliIo['stderr']>();

/**
 * The io every command gets: stderr shows control characters in file names, keys and AWS
 * messages as escapes (\n, \x1b), so each line stays one line. Done here, once, rather than in
 * each message.
 */
function withEscapedStderr(io: CliIo): CliIo {
  const safe = Object.defineProperties(
    {},
    { ...Object.getOwnPropertyDescriptors(io), stderr: { value: escapingStderr(io.stderr), enumerable: true } },
  ) as CliIo;
  rawStderr.set(safe, io.stderr);
  return safe;
}

/** Runs the CLI and returns its exit code. Never throws. */
export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  const io = withEscapedStderr(rawIo);
  try {
    const program = await buildProgram(io, argv);
    program.hook('preAction', (_program, command) => refuseRepeats(command, argv));
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}

/**
 * Commander keeps only the last value of a flag given twice, so `--prefix a/ --prefix b/` would
 * silently grant b/ alone. A flag whose help says it is repeatable may repeat; any other given
 * twice is a usage error. The help text is the contract, so the two cannot disagree.
 */
function refuseRepeats(command: Command, argv: string[]): void {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  for (const option of command.options as Option[]) {
    if (/\brepeatable\b/.test(option.description)) continue;
    const flags = [option.short, option.long].filter((f): f is string => !!f);
    const given = args.filter((a) => flags.includes(a) || (!!option.long && a.startsWith(`${option.long}=`)));
    if (given.length > 1) {
      throw new UsageError(`${flags.join('/')} was given ${given.length} times, and it takes one value: give it once`);
    }
  }
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    // Commander has printed its message already; anything it rejects is a usage error.
    return 2;
  }
  // A line break followed by indentation is layout (SDK messages have them) and becomes a space;
  // any other control character, such as a newline inside a file name, is escaped by io.stderr.
  const line = (message: string) => io.stderr.write(`error: ${message.replace(/\s*\n[ \t]+/g, ' ').trimEnd()}\n`);
  if (err instanceof UsageError || err instanceof OperationError || err instanceof InterruptedError) {
    line(err.message);
    return err.exitCode;
  }
  if (isAwsError(err)) {
    line(describeAwsError(err));
    return 1;
  }
  const e = err as Error;
  if (io.env.S3_SHARE_DEBUG) (rawStderr.get(io) ?? io.stderr).write(`${e?.stack ?? String(err)}\n`);
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
