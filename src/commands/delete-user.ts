import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError, UsageError } from '../errors';
import { canAsk, confirm } from '../output/confirm';
import { createRecordEmitter, type OutputRecord } from '../output/records';
import type { PrefixTarget } from '../policies/prefix-grants';
import { addAwsOptions, addSilentOption, awsContextFor, positiveInt, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export interface DeleteUserOptions extends AwsOptions {
  concurrency: number;
  dryRun?: boolean;
  deleteObjects?: boolean;
  expired?: boolean;
  yes?: boolean;
  deleteSelf?: boolean;
  nl?: boolean;
  silent?: boolean;
}

export async function runDeleteUser(users: string[], opts: DeleteUserOptions, io: CliIo): Promise<void> {
  if (opts.deleteObjects && !opts.yes && !opts.dryRun && !canAsk(io)) {
    throw new UsageError('--delete-objects needs confirmation and this is not a terminal: add --yes');
  }
  // A name IAM could never have given a user is a typo: say so before any AWS call.
  const { validateIamName } = await import('../policies/names');
  for (const user of users) validateIamName(user, 'user name');
  if (opts.expired && users.length) throw new UsageError('--expired and user names conflict: --expired finds the users itself');
  if (!opts.expired && !users.length) throw new UsageError('no user given: name the users to delete, or use --expired');
  const reporter = reporterFor(opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createIamClient, createS3Client, createStsClient }, { deleteUsers }, { callerIdentity }] = await Promise.all([
    import('../aws/clients'),
    import('../services/users/delete/delete-users'),
    import('../services/users/identity'),
  ]);
  const caller = await callerIdentity(await createStsClient(ctx));
  if (opts.expired) {
    const { expiredUsers } = await import('../services/clients/expired');
    users = await expiredUsers(await createIamClient(ctx), new Date());
    reporter.info(`${users.length} user(s) made by s3-share have expired${users.length ? `: ${users.join(', ')}` : ''}`);
  }
  if (opts.dryRun) reporter.info('dry run: nothing will be removed');

  const emitter = createRecordEmitter(opts.nl ? 'nl' : 'json', io.stdout);
  // Each removal is printed as the service reports it, one write at a time (stdout back-pressure).
  let writing: Promise<void> = Promise.resolve();
  let outcomes: Awaited<ReturnType<typeof deleteUsers>>;
  try {
    outcomes = await deleteUsers(
      { iam: await createIamClient(ctx), s3: () => createS3Client(ctx) },
      {
        users,
        concurrency: opts.concurrency,
        dryRun: !!opts.dryRun,
        deleteObjects: !!opts.deleteObjects,
        callerArn: caller.arn,
        deleteSelf: !!opts.deleteSelf,
        confirm: opts.yes ? undefined : (targets) => confirmObjects(io, targets),
        onRecord: (r) => {
          const record = { ...r } as OutputRecord;
          writing = writing.then(() => emitter.write(record));
        },
      },
      reporter,
    );
  } finally {
    // The list of what was removed is complete even when some users failed: close it.
    await writing;
    await emitter.end();
  }

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
}

export function registerDeleteUser(program: Command, io: CliIo): void {
  const cmd = program
    .command('delete-user')
    .description('Delete IAM users and everything attached to them (keys, policies, MFA, groups, the role s3-share made for them...)')
    .argument('[users...]', 'the users to delete')
    .option('--expired', 'delete the users s3-share made whose access has expired (create --expires, a client list)')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--delete-objects', 'also delete the objects under every folder (BUCKET/PREFIX/) the users were granted')
    .option('-y, --yes', 'do not ask before deleting objects (required with --delete-objects when not on a terminal)')
    .option('--delete-self', 'allow deleting the IAM user whose credentials run this command (refused otherwise)')
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
        '  $ s3-share delete-user --expired --dry-run',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(cmd)).action((users: string[], opts: DeleteUserOptions) => runDeleteUser(users, opts, io));
}

/** Asks on the terminal before deleting objects; anything but y/yes is no. */
async function confirmObjects(io: CliIo, targets: Array<PrefixTarget & { UserName: string }>): Promise<boolean> {
  io.stderr.write(`--delete-objects will delete every object under:\n`);
  for (const t of targets) io.stderr.write(`  s3://${t.Bucket}/${t.Prefix} (${t.UserName})\n`);
  return confirm(io, 'Delete them?');
}
