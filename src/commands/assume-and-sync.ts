/**
 * `s3-share assume-and-sync LOCAL_DIR s3://BUCKET[/PREFIX] --role-arn ARN`: assume a role (or use
 * the caller's own credentials) and upload what is new or changed, like `aws s3 sync`. Parses the
 * options into a SyncInput; the work is in services/sync, the uploads in services/transfer.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { InterruptedError, OperationError, UsageError } from '../errors';
import { createProgress, formatBytes, type Progress } from '../output/progress';
import type { Reporter } from '../output/reporter';
import { validateBucketName } from '../policies/bucket-names';
import { describeDestination, parseDestination, type Destination } from '../services/sync/destination';
import { compileFilters, type Filter } from '../services/sync/filters';
import type { RoleCredentialsProvider } from '../services/credentials/role-session';
import type { SyncEvent, SyncSink, SyncSummary } from '../services/sync/sync';
import { addAwsOptions, addSilentOption, awsContextFor, positiveInt, reporterFor } from './shared/common-options';
import { parseDuration } from './shared/durations';
import { SIGNAL_EXIT_CODES, type CliIo } from '../io';

export interface AssumeAndSyncOptions extends AwsOptions {
  roleArn?: string;
  sessionName?: string;
  duration?: number;
  externalId?: string;
  sizeOnly?: boolean;
  checksum?: boolean;
  delete?: boolean;
  dryRun?: boolean;
  followSymlinks: boolean;
  concurrency: number;
  exclude?: string[];
  include?: string[];
  /** --exclude and --include in the order given: with aws-cli semantics the later filter wins. */
  filters?: Filter[];
  nl?: boolean;
  silent?: boolean;
}

export const DEFAULT_CONCURRENCY = 16;
const DEFAULT_DURATION_SECONDS = 900;

export function registerAssumeAndSync(program: Command, io: CliIo): void {
  // Each --exclude and --include also joins one ordered list, the `filters` option value: the
  // order of the two kinds together decides which filter wins.
  const collect =
    (type: Filter['type']) =>
    (pattern: string, previous: string[] = []) => {
      cmd.setOptionValue('filters', [...((cmd.getOptionValue('filters') as Filter[] | undefined) ?? []), { type, pattern }]);
      return [...previous, pattern];
    };
  const cmd = program
    .command('assume-and-sync')
    .description('Assume a role and upload what is new or changed in a local folder to S3 (like aws s3 sync)')
    .argument('<local-dir>', 'the folder to upload')
    .argument('<destination>', 's3://BUCKET[/PREFIX] or BUCKET[/PREFIX] (the prefix is a folder)')
    .option('--role-arn <arn>', 'assume this role (without it, your own credentials are used)')
    .option('--session-name <name>', 'role session name, 2-64 of [A-Za-z0-9_+=,.@-] (default: s3-share-<random>)')
    .option('--duration <time>', 'role session length: 15m to 12h (default 15m; refreshed as needed)', parseDuration)
    .option('--external-id <id>', 'the external ID the role trust policy requires')
    .option('--size-only', 'upload when the size differs (ignore modification times)')
    .option('--checksum', 'upload when the content differs (compares MD5/multipart ETags; reads every file)')
    .option('--exclude <glob>', 'skip paths matching this pattern (repeatable; * matches / too)', collect('exclude'))
    .option('--include <glob>', 'keep paths matching this pattern despite an earlier --exclude (repeatable)', collect('include'))
    .option('--delete', 'delete objects under the prefix that no longer exist locally (excluded ones are kept)')
    .option('--dry-run', 'print what would be uploaded and deleted (NDJSON on stdout) and change nothing')
    .option('--no-follow-symlinks', 'skip symbolic links (by default they are followed; loops are never entered)')
    .option('--concurrency <n>', 'files in flight at once', positiveInt('--concurrency', 256), DEFAULT_CONCURRENCY)
    .option('--nl', 'one JSON event per file on stdout, then a summary object');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ s3-share assume-and-sync ./site s3://www-bucket --role-arn arn:aws:iam::123456789012:role/site-deployer',
        '  $ s3-share assume-and-sync ./reports reports-2024/q3 --role-arn arn:aws:iam::123456789012:role/uploader --delete',
        "  $ s3-share assume-and-sync ./photos s3://photos/alice --exclude '*.tmp' --dry-run",
        '  $ s3-share assume-and-sync ./data s3://data --checksum --nl | jq -c \'select(.event == "uploaded")\'',
      ].join('\n'),
    )
    .action((localDir: string, destination: string, opts: AssumeAndSyncOptions) => runAssumeAndSync(localDir, destination, opts, io));
}

/** Everything that can be checked before any AWS call. */
function validate(destination: string, opts: AssumeAndSyncOptions): Destination {
  const dest = parseDestination(destination);
  if (!dest) throw new UsageError(`${destination} is not a destination: give s3://BUCKET[/PREFIX] or BUCKET[/PREFIX]`);
  // The same bucket-name rules as every other command.
  validateBucketName(dest.bucket);
  if (opts.sizeOnly && opts.checksum) throw new UsageError('--size-only and --checksum conflict: pick one way to compare');
  if (opts.roleArn === undefined) {
    for (const [flag, value] of [
      ['--session-name', opts.sessionName],
      ['--duration', opts.duration],
      ['--external-id', opts.externalId],
    ] as const) {
      if (value !== undefined) throw new UsageError(`${flag} needs --role-arn: it applies to the role session`);
    }
  }
  return dest;
}

async function checkLocalFolder(dir: string): Promise<string> {
  const path = resolve(dir);
  try {
    if (!(await stat(path)).isDirectory()) throw new OperationError(`${dir} is not a folder: give the folder to upload`);
    await access(path, constants.R_OK | constants.X_OK);
  } catch (err) {
    if (err instanceof OperationError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    throw new OperationError(`local folder ${dir} ${what}: check the path and its permissions`);
  }
  return path;
}

export async function runAssumeAndSync(localDir: string, destination: string, opts: AssumeAndSyncOptions, io: CliIo): Promise<void> {
  // The keys that `create --role` writes may only assume the role the same file names.
  if (opts.roleArn === undefined && opts.auth !== undefined) {
    const { readAuthRoleArn } = await import('../aws/config');
    const roleArn = await readAuthRoleArn(opts.auth, opts.profile);
    if (roleArn !== undefined) opts = { ...opts, roleArn };
  }
  const dest = validate(destination, opts);
  const { isRoleArn, isSessionName, randomSessionName, roleCredentialsProvider } = await import('../services/credentials/role-session');
  if (opts.roleArn !== undefined && !isRoleArn(opts.roleArn)) {
    throw new UsageError(`--role-arn ${opts.roleArn} is not a role ARN: give arn:aws:iam::123456789012:role/NAME`);
  }
  if (opts.sessionName !== undefined && !isSessionName(opts.sessionName)) {
    throw new UsageError(`--session-name ${opts.sessionName} is not valid: use 2-64 of letters, digits and _+=,.@-`);
  }
  const compiled = compileFilters(opts.filters ?? []);
  const root = await checkLocalFolder(localDir);
  const reporter = reporterFor(opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client, createStsClient }, { runSync }, strategies] = await Promise.all([
    import('../aws/clients'),
    import('../services/sync/sync'),
    import('../services/sync/strategy'),
  ]);

  let credentials: RoleCredentialsProvider | undefined;
  let sts: Awaited<ReturnType<typeof createStsClient>> | undefined;
  if (opts.roleArn) {
    const sessionName = opts.sessionName ?? randomSessionName();
    sts = await createStsClient(ctx);
    credentials = roleCredentialsProvider(sts, {
      roleArn: opts.roleArn,
      sessionName,
      durationSeconds: opts.duration ?? DEFAULT_DURATION_SECONDS,
      externalId: opts.externalId,
    });
    await credentials(); // fail here, with AssumeRole's own error, before reading the folder
    reporter.info(`assumed ${opts.roleArn} as session ${sessionName}`);
  } else {
    reporter.info('no --role-arn given: syncing with your own credentials');
  }
  const s3 = await createS3Client(ctx, undefined, { credentials, maxSockets: Math.max(50, opts.concurrency * 2) });

  // From here a signal aborts the uploads in flight (and their multipart uploads) before exiting.
  io.interrupts.handle();
  const signal = io.interrupts.signal;

  const progress = io.stderrIsTTY && !opts.silent && !opts.dryRun ? createProgress(io.stderr) : undefined;
  const strategy = opts.checksum ? strategies.checksumStrategy() : opts.sizeOnly ? strategies.sizeOnly : strategies.sizeAndMtime;
  const dry: DryRunCounts = { upload: 0, uploadBytes: 0, delete: 0 };
  let summary: SyncSummary;
  try {
    summary = await runSync(
      s3,
      {
        root,
        dest,
        strategy,
        filters: compiled,
        delete: Boolean(opts.delete),
        dryRun: Boolean(opts.dryRun),
        followSymlinks: opts.followSymlinks,
        concurrency: opts.concurrency,
        signal,
      },
      sinkFor(opts, io, reporter, progress, dry),
    );
  } finally {
    progress?.stop();
    // Idle keep-alive sockets would otherwise hold the process open for a moment.
    s3.destroy();
    sts?.destroy();
  }
  report(summary, dest, opts, io, reporter, dry);
  if (summary.aborted) {
    throw new InterruptedError(
      `interrupted: ${summary.uploaded} files uploaded before stopping; unfinished multipart uploads were aborted: run the same command again to finish`,
      SIGNAL_EXIT_CODES[signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'],
    );
  }
  if (summary.failed) {
    const first = summary.failures[0];
    throw new OperationError(
      `${summary.failed} ${summary.failed === 1 ? 'file' : 'files'} failed (first: ${first.key}: ${first.error}): fix the cause and run the same command again`,
    );
  }
}

interface DryRunCounts {
  upload: number;
  uploadBytes: number;
  delete: number;
}

function sinkFor(opts: AssumeAndSyncOptions, io: CliIo, reporter: Reporter, progress: Progress | undefined, dry: DryRunCounts): SyncSink {
  const json = (e: SyncEvent) => void io.stdout.write(JSON.stringify(e) + '\n');
  return {
    event(e) {
      if (e.event === 'would-upload') {
        dry.upload++;
        dry.uploadBytes += e.size;
        return json(e);
      }
      if (e.event === 'would-delete') {
        dry.delete++;
        return json(e);
      }
      if (opts.nl) json(e);
      if (e.event !== 'skipped') progress?.fileDone();
    },
    planned: ({ files, bytes }) => progress?.setTotals(files, bytes),
    progress: (bytes) => progress?.bytes(bytes),
    warn(message) {
      progress?.clear();
      reporter.warn(message);
    },
  };
}

function report(
  summary: SyncSummary,
  dest: Destination,
  opts: AssumeAndSyncOptions,
  io: CliIo,
  reporter: Reporter,
  dry: DryRunCounts,
): void {
  const { uploaded, skipped, deleted, failed, bytes, seconds } = summary;
  if (opts.nl) {
    io.stdout.write(JSON.stringify({ event: 'summary', uploaded, skipped, deleted, failed, bytes, seconds }) + '\n');
  }
  // Every failure is an error line, even with --silent.
  for (const f of summary.failures) io.stderr.write(`failed: ${f.key}: ${f.error}\n`);
  if (opts.nl) return;
  const where = describeDestination(dest);
  if (opts.dryRun) {
    reporter.info(
      `dry run, nothing changed: ${where}: ${dry.upload} to upload (${formatBytes(dry.uploadBytes)}), ${skipped} unchanged, ${dry.delete} to delete`,
    );
  } else {
    reporter.info(
      `synced ${where}: ${uploaded} uploaded (${formatBytes(bytes)}), ${skipped} unchanged, ${deleted} deleted, ${failed} failed in ${seconds.toFixed(1)} s`,
    );
  }
}
