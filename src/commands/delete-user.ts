import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError, UsageError } from '../errors';
import { emitRecords, type OutputRecord } from '../output/records';
import type { PrefixTarget } from '../services/prefix-objects';
import { addAwsOptions, addSilentOption, awsContextFor, positiveInt, reporterFor } from './common-options';
import type { CliIo } from './io';

export interface DeleteUserOptions extends AwsOptions {
  concurrency: number;
  dryRun?: boolean;
  deleteObjects?: boolean;
  yes?: boolean;
  nl?: boolean;
  silent?: boolean;
}

export function registerDeleteUser(program: Command, io: CliIo): void {
  const cmd = program
    .command('delete-user')
    .description('Delete IAM users and everything attached to them (keys, policies, MFA, groups, the role s3-share made for them...)')
    .argument('<users...>', 'the users to delete')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--delete-objects', 'also delete the objects under every folder (BUCKET/PREFIX/) the users were granted')
    .option('-y, --yes', 'do not ask before deleting objects (required with --delete-objects when not on a terminal)')
    .option('--nl', 'one JSON object per line (NDJSON) instead of a JSON array')
    .option('--concurrency <n>', 'users handled at once', positiveInt('--concurrency', 32), 4)
    .addHelpText(
      'after',
      [
        '',
        'Removes, in order: access keys, the role s3-share made for the user (create --role), inline',
        'policies, attached managed policies (deleting those s3-share made once unused), the login',
        'profile, MFA devices, signing certificates, SSH keys, service-specific credentials, group',
        'memberships and the permissions boundary; then the user. Items already gone are skipped, so',
        'running it again after a failure finishes the job.',
        '',
        'Prints one record per removed item: UserName, Type, Id.',
        '',
        'Examples:',
        '  $ s3-share delete-user alice --dry-run',
        '  $ s3-share delete-user alice bob --nl >> deleted.ndjson',
        '  $ s3-share delete-user alice --delete-objects --yes',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(cmd)).action(async (users: string[], opts: DeleteUserOptions) => {
    const interactive = io.stdinIsTTY && io.stderrIsTTY;
    if (opts.deleteObjects && !opts.yes && !opts.dryRun && !interactive) {
      throw new UsageError('--delete-objects needs confirmation and this is not a terminal: add --yes');
    }
    const reporter = reporterFor(opts, io);
    const ctx = await awsContextFor(opts, io, reporter);
    const [{ createIamClient, createS3Client }, { deleteUsers }] = await Promise.all([import('../aws/clients'), import('../services/delete-user')]);
    if (opts.dryRun) reporter.info('dry run: nothing will be removed');

    const records = recordChannel();
    const emitting = emitRecords(records.iterable, opts.nl ? 'nl' : 'json', io.stdout);
    const outcomes = await deleteUsers(
      { iam: await createIamClient(ctx), s3: () => createS3Client(ctx) },
      {
        users,
        concurrency: opts.concurrency,
        dryRun: !!opts.dryRun,
        deleteObjects: !!opts.deleteObjects,
        confirm: opts.yes ? undefined : (targets) => confirmObjects(io, targets),
        onRecord: records.push,
      },
      reporter,
    ).finally(records.close);
    await emitting;

    const failed = outcomes.filter((o) => o.error);
    // One user named: its error is the whole story, in one line. Several: one line per failed
    // user, a count, and a summary error naming them.
    if (outcomes.length === 1 && failed.length === 1) {
      const partial = !opts.dryRun && failed[0]!.removed.length > 0;
      throw new OperationError(`${failed[0]!.UserName}: ${failed[0]!.error}${partial ? '; rerunning finishes the partial delete' : ''}`);
    }
    for (const o of failed) io.stderr.write(`error: ${o.UserName}: ${o.error}\n`);
    const objects = outcomes.flatMap((o) => o.removed).reduce((n, r) => n + (r.Count ?? 0), 0);
    const done = outcomes.length - failed.length;
    if (opts.dryRun) {
      reporter.info(`dry run: ${done} of ${outcomes.length} user(s) would be deleted; nothing was removed`);
    } else {
      reporter.info(`deleted ${done} of ${outcomes.length} user(s)${opts.deleteObjects ? ` and ${objects} object(s)` : ''}`);
    }
    if (failed.length) {
      throw new OperationError(
        `${failed.length} of ${outcomes.length} user(s) not ${opts.dryRun ? 'readable' : 'deleted'}: ${failed.map((o) => o.UserName).join(', ')}: see the errors above; rerunning finishes a partial delete`,
      );
    }
  });
}

/** Asks on the terminal before deleting objects; anything but y/yes is no. */
async function confirmObjects(io: CliIo, targets: Array<PrefixTarget & { UserName: string }>): Promise<boolean> {
  io.stderr.write(`--delete-objects will delete every object under:\n`);
  for (const t of targets) io.stderr.write(`  s3://${t.Bucket}/${t.Prefix} (${t.UserName})\n`);
  io.stderr.write('Delete them? [y/N] ');
  const answer = await readLine(io);
  return /^y(es)?$/i.test(answer.trim());
}

function readLine(io: CliIo): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const finish = () => {
      io.stdin.off('data', onData);
      io.stdin.off('end', finish);
      io.stdin.pause();
      resolve(text.split('\n')[0] ?? '');
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (text.includes('\n')) finish();
    };
    io.stdin.on('data', onData);
    io.stdin.once('end', finish);
  });
}

/** A push-fed async iterable, so records are printed as the service produces them. */
function recordChannel(): { iterable: AsyncIterable<OutputRecord>; push: (r: object) => void; close: () => void } {
  const queue: OutputRecord[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push: (r) => {
      queue.push({ ...r } as OutputRecord);
      notify();
    },
    close: () => {
      closed = true;
      notify();
    },
    iterable: (async function* () {
      while (true) {
        const next = queue.shift();
        if (next) yield next;
        else if (closed) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    })(),
  };
}
