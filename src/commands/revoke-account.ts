/**
 * `s3-share revoke-account BUCKET --account ID|ARN [--prefix P]`: take out of the bucket policy
 * the statements grant-account added for that account, keep the rest, and delete the policy when
 * nothing else is left.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import type { RevokeSelector } from '../policies/bucket-grants';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { runPlan } from './shared/run-plan';
import type { CliIo } from '../io';

export interface RevokeAccountOptions extends AwsOptions {
  account?: string;
  prefix?: string;
  dryRun?: boolean;
  nl?: boolean;
  silent?: boolean;
}

/**
 * A bare account ID selects every s3-share statement of that account (every mode, principal and
 * prefix); an ARN only that principal's; --prefix only the grants on that folder.
 */
export async function revokeSelector(bucket: string, opts: RevokeAccountOptions): Promise<{ selector: RevokeSelector; notices: string[] }> {
  const [{ validateBucketName }, { parseAccountPrincipal }, { normalizePrefix }] = await Promise.all([
    import('../policies/bucket-names'),
    import('../policies/bucket-grants'),
    import('../policies/prefix'),
  ]);
  validateBucketName(bucket);
  if (opts.account === undefined)
    throw new UsageError('--account is required: give the 12-digit account ID, or the user or role ARN that was granted');
  const principal = parseAccountPrincipal(opts.account);
  const notices: string[] = [];
  const selector: RevokeSelector = { account: principal.account };
  if (/^arn:/.test(opts.account.trim())) selector.principal = principal;
  if (opts.prefix !== undefined) {
    const n = normalizePrefix(opts.prefix);
    selector.prefix = n.prefix;
    if (n.notice) notices.push(n.notice);
  }
  return { selector, notices };
}

export async function runRevokeAccount(bucket: string, opts: RevokeAccountOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const { selector, notices } = await revokeSelector(bucket, opts);
  for (const notice of notices) reporter.info(notice);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { planRevokeAccount }] = await Promise.all([
    import('../aws/clients'),
    import('../services/buckets/cross-account'),
  ]);
  const plan = await planRevokeAccount(await createS3Client(ctx), bucket, selector);
  const whose = `${selector.principal ? selector.principal.arn : `account ${selector.account}`}${selector.prefix ? ` on ${selector.prefix}` : ''}`;
  const unchanged =
    plan.result.Policy === null
      ? `nothing to revoke: bucket ${bucket} has no bucket policy`
      : `nothing to revoke: the bucket policy of ${bucket} has no s3-share statements for ${whose}`;
  await runPlan(plan, opts, io, reporter, { result: plan.result, unchanged });
}

export function registerRevokeAccount(program: Command, io: CliIo): void {
  const cmd = program
    .command('revoke-account')
    .description('Remove from a bucket policy the statements grant-account added for an account; delete the policy if nothing else is left')
    .argument('<bucket>', 'the bucket')
    .option('--account <id|arn>', 'an account ID (all its s3-share grants), or a user or role ARN (only the grant to it)')
    .option('--prefix <folder>', 'only the grants on this folder (default: every grant of the account, whole bucket and folders)')
    .option('--dry-run', 'print the resulting policy and what would be removed, and change nothing')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'Only statements whose Sid grant-account wrote (S3Share...) are removed; everything else in the',
        'policy stays as it was. Revoking what is not there says so and exits 0.',
        '',
        'Examples:',
        '  $ s3-share revoke-account reports-2024 --account 111122223333',
        '  $ s3-share revoke-account photos --account 111122223333 --prefix incoming/ --dry-run',
      ].join('\n'),
    )
    .action((bucket: string, opts: RevokeAccountOptions) => runRevokeAccount(bucket, opts, io));
}
