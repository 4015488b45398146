/**
 * `s3-share plan FILE`: what `apply FILE` would do to the account: create, update (policy,
 * console login, expiry), replace an undelivered key, and with --prune / --prune-expired delete.
 * Reads only; the logic is in services/clients/.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import type { CliIo } from '../io';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { addClientListOptions, loadClients, type ClientListOptions } from './shared/client-list';

export interface PlanOptions extends AwsOptions, ClientListOptions {
  nl?: boolean;
  json?: boolean;
  silent?: boolean;
}

export async function runPlanCommand(file: string, opts: PlanOptions, io: CliIo): Promise<void> {
  if (opts.nl && opts.json) throw new UsageError('--nl and --json conflict: pick one output format');
  const reporter = reporterFor(opts, io);
  const now = new Date();
  const clients = await loadClients(file, io, now);
  const ctx = await awsContextFor(opts, io, reporter);
  const [
    { createIamClient, createS3Client, createStsClient },
    { planClients, changeRecord, countChanges },
    { describeEdit },
    { callerIdentity },
  ] = await Promise.all([
    import('../aws/clients'),
    import('../services/clients/plan-clients'),
    import('../services/clients/changes'),
    import('../services/users/identity'),
  ]);
  // Only clients with their own account need S3 (their grants are in bucket policies).
  let s3Client: Promise<S3Client> | undefined;
  const s3 = () => (s3Client ??= createS3Client(ctx));
  const plan = await planClients(
    await createIamClient(ctx),
    clients,
    {
      prune: !!opts.prune,
      pruneExpired: !!opts.pruneExpired,
      now,
      concurrency: opts.concurrency,
      // Only the ARNs of clients with a role need to know the account.
      caller: clients.some((c) => c.role) ? await callerIdentity(await createStsClient(ctx)) : undefined,
    },
    { s3, reporter },
  );
  for (const w of plan.warnings) reporter.warn(w);
  const counts = countChanges(plan.changes);
  const changing = plan.changes.filter((c) => c.action !== 'none');
  const human = !opts.nl && !opts.json && !!(io.stdout as { isTTY?: boolean }).isTTY;
  if (human) {
    for (const c of changing) {
      const what = [...c.edits.map(describeEdit), ...(c.reason ? [c.reason] : [])].join('; ');
      io.stdout.write(`${c.action.padEnd(11)} ${c.username}${what ? `: ${what}` : ''}\n`);
    }
  } else if (opts.nl) {
    for (const c of plan.changes) io.stdout.write(JSON.stringify(changeRecord(c)) + '\n');
  } else {
    io.stdout.write(JSON.stringify(plan.changes.map(changeRecord), null, 2) + '\n');
  }
  const summary = `${counts.create} to create, ${counts.update} to update, ${counts['replace-key']} to re-key, ${counts.delete} to delete, ${counts.none} unchanged${counts.refused ? `, ${counts.refused} refused` : ''}`;
  if (human) io.stdout.write(`${summary} (${changing.length - counts.refused} changes)\n`);
  else reporter.info(`${summary} (${changing.length - counts.refused} changes)`);
}

export function registerPlan(program: Command, io: CliIo): void {
  const cmd = program.command('plan').description('Show what apply would change to make the account match a client list (reads only)');
  addClientListOptions(cmd)
    .option('--nl', 'one JSON record per client (NDJSON)')
    .option('--json', 'a JSON array of records (the default when stdout is not a terminal)');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'The list has one row per client: username, bucket (several: separated by spaces), prefix (empty:',
        'the whole bucket), access (read-only, write-only, read-write), console (yes/no), expires (a',
        'date, or empty). Every bad row is reported, with its line and field, before any AWS call.',
        '',
        'Examples:',
        '  $ s3-share plan clients.csv',
        '  $ s3-share plan clients.yaml --prune --nl | jq -c "select(.Action != \\"none\\")"',
      ].join('\n'),
    )
    .action((file: string, opts: PlanOptions) => runPlanCommand(file, opts, io));
}
