/**
 * `s3-share apply FILE`: makes the account match the client list. New keys go to --keys-dir (one
 * 0600 file per client) or to stdout as NDJSON; existing clients keep theirs. Safe to re-run at
 * any time, also after a kill: the logic is in services/clients/.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { mkdir, stat } from 'node:fs/promises';
import type { AwsOptions } from '../aws/config';
import { InterruptedError, OperationError, UsageError } from '../errors';
import type { CliIo } from '../io';
import { parseCredentialFormat, type CredentialFormat } from '../output/credentials';
import { addAwsOptions, addSilentOption, awsContextFor, positiveInt, reporterFor } from './shared/common-options';
import { addClientListOptions, loadClients, type ClientListOptions } from './shared/client-list';

export interface ApplyOptions extends AwsOptions, ClientListOptions {
  keysDir?: string;
  format: CredentialFormat;
  rate: number;
  dryRun?: boolean;
  silent?: boolean;
}

/** IAM's documented write quotas are per account and low; 10 a second stays well under them. */
export const DEFAULT_RATE = 10;

async function prepareKeysDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (err) {
    throw new UsageError(`--keys-dir ${dir} cannot be used (${(err as NodeJS.ErrnoException).code ?? 'error'}): give a writable folder`);
  }
}

export async function runApply(file: string, opts: ApplyOptions, io: CliIo): Promise<void> {
  if (!opts.keysDir && opts.format !== 'json') {
    throw new UsageError(`--format ${opts.format} needs --keys-dir: on stdout the new keys are NDJSON, one client a line`);
  }
  const reporter = reporterFor(opts, io);
  const now = new Date();
  const clients = await loadClients(file, io, now);
  if (opts.keysDir && !opts.dryRun) await prepareKeysDir(opts.keysDir);
  const ctx = await awsContextFor(opts, io, reporter);
  const [
    { createIamClient, createStsClient, createS3Client },
    { planClients, changeRecord },
    { applyChanges },
    delivery,
    { gateWrites, createRateGate },
    { callerIdentity },
  ] = await Promise.all([
    import('../aws/clients'),
    import('../services/clients/plan-clients'),
    import('../services/clients/apply'),
    import('../services/clients/key-delivery'),
    import('../services/clients/rate'),
    import('../services/users/identity'),
  ]);
  const iam = gateWrites(await createIamClient(ctx), createRateGate(opts.rate));
  const me = await callerIdentity(await createStsClient(ctx));
  // Only clients with their own account need S3 (their grants are in bucket policies).
  let s3Client: Promise<S3Client> | undefined;
  const s3 = () => (s3Client ??= createS3Client(ctx));
  const plan = await planClients(
    iam,
    clients,
    {
      prune: !!opts.prune,
      pruneExpired: !!opts.pruneExpired,
      now,
      caller: me,
      concurrency: opts.concurrency,
    },
    { s3, reporter },
  );
  for (const w of plan.warnings) reporter.warn(w);
  const changing = plan.changes.filter((c) => c.action !== 'none');
  if (opts.dryRun) {
    io.stdout.write(JSON.stringify(changing.map(changeRecord), null, 2) + '\n');
    reporter.info(`dry run: ${changing.length} changes planned, none made`);
    return;
  }
  // A signal stops new clients from starting; those in flight finish or roll back.
  io.interrupts.handle();
  const outcomes = await applyChanges(
    iam,
    {
      changes: plan.changes,
      delivery: opts.keysDir ? delivery.keysDirDelivery(opts.keysDir, opts.format) : delivery.stdoutDelivery(io.stdout),
      concurrency: opts.concurrency,
      account: me.account,
      partition: me.partition,
      now,
      signal: io.interrupts.signal,
      s3,
    },
    reporter,
  );
  const failed = outcomes.filter((o) => o.Error);
  const done = outcomes.length - failed.length;
  reporter.info(`${done} change${done === 1 ? '' : 's'}${failed.length ? `, ${failed.length} failed` : ''}`);
  const signal = io.interrupts.signal;
  if (signal.aborted) {
    const name = typeof signal.reason === 'string' ? signal.reason : 'SIGINT';
    throw new InterruptedError(`interrupted by ${name}: run apply again to finish`, name === 'SIGTERM' ? 143 : 130);
  }
  if (failed.length) {
    throw new OperationError(
      `${failed.length} of ${outcomes.length} clients failed (${failed.map((f) => f.UserName).join(', ')}): see the errors above, then run apply again to finish`,
    );
  }
}

export function registerApply(program: Command, io: CliIo): void {
  const cmd = program
    .command('apply')
    .description('Make the account match a client list: create, update and (with --prune) delete clients');
  addClientListOptions(cmd)
    .option('--keys-dir <dir>', 'write each new key to DIR/USERNAME.EXT (mode 0600) instead of NDJSON on stdout')
    .option(
      '-f, --format <format>',
      'with --keys-dir, the format of each file: json, ini, env, csv, text, credential-process',
      parseCredentialFormat,
      'json',
    )
    .option('--rate <n>', `mutating IAM calls per second at most (default: ${DEFAULT_RATE})`, positiveInt('--rate', 1000), DEFAULT_RATE)
    .option('--dry-run', 'print the changes (as plan --json does) and make none');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'A second apply of the same list changes nothing ("0 changes"). A run that is killed leaves',
        'users marked pending until their key is delivered; the next run replaces those keys.',
        '',
        'Examples:',
        '  $ s3-share apply clients.csv --keys-dir keys/',
        '  $ s3-share apply clients.yaml --prune --dry-run',
        '  $ s3-share apply clients.csv --prune-expired',
      ].join('\n'),
    )
    .action((file: string, opts: ApplyOptions) => runApply(file, opts, io));
}
