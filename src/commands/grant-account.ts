/**
 * `s3-share grant-account BUCKET --account ID|ARN`: let another AWS account (or one of its users
 * or roles) use the bucket, by merging statements into the bucket policy without touching the
 * rest of it. The work is in services/buckets/cross-account.ts; the statements in policies/bucket-grants.ts.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import type { AccountPrincipal } from '../policies/bucket-grants';
import type { AccessMode } from '../policies/templates';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { runPlan } from './shared/run-plan';
import type { CliIo } from '../io';

export interface GrantAccountOptions extends AwsOptions {
  account?: string;
  readOnly?: boolean;
  writeOnly?: boolean;
  prefix?: string;
  dryRun?: boolean;
  nl?: boolean;
  silent?: boolean;
}

export interface GrantAccountCommandInput {
  bucket: string;
  principal: AccountPrincipal;
  mode: AccessMode;
  prefix?: string;
  /** Notices from checking the input (a trailing slash added). */
  notices: string[];
}

/** Checks the command line into a typed input; every mistake is a UsageError (exit 2). */
export async function grantAccountInput(bucket: string, opts: GrantAccountOptions): Promise<GrantAccountCommandInput> {
  const [{ validateBucketName }, { parseAccountPrincipal }, { normalizePrefix }] = await Promise.all([
    import('../policies/bucket-names'),
    import('../policies/bucket-grants'),
    import('../policies/prefix'),
  ]);
  validateBucketName(bucket);
  if (opts.account === undefined)
    throw new UsageError('--account is required: give the 12-digit account ID, or a user or role ARN of that account');
  const principal = parseAccountPrincipal(opts.account);
  if (opts.readOnly && opts.writeOnly) throw new UsageError('--read-only and --write-only conflict: leave both out for read-write access');
  const mode: AccessMode = opts.readOnly ? 'read-only' : opts.writeOnly ? 'write-only' : 'read-write';
  const notices: string[] = [];
  let prefix: string | undefined;
  if (opts.prefix !== undefined) {
    const n = normalizePrefix(opts.prefix);
    prefix = n.prefix;
    if (n.notice) notices.push(n.notice);
  }
  return { bucket, principal, mode, prefix, notices };
}

export async function runGrantAccount(bucket: string, opts: GrantAccountOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const input = await grantAccountInput(bucket, opts);
  for (const notice of input.notices) reporter.info(notice);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { planGrantAccount }] = await Promise.all([
    import('../aws/clients'),
    import('../services/buckets/cross-account'),
  ]);
  const s3 = await createS3Client(ctx);
  const plan = await planGrantAccount(s3, input, reporter);
  const what = `${input.mode} on ${input.prefix ? `${bucket}/${input.prefix}` : bucket} for ${input.principal.arn}`;
  await runPlan(plan, opts, io, reporter, {
    result: plan.result,
    unchanged: `no change: the bucket policy of ${bucket} already grants ${what}`,
  });
}

export function registerGrantAccount(program: Command, io: CliIo): void {
  const cmd = program
    .command('grant-account')
    .description("Let another AWS account use a bucket: merge statements into the bucket policy, keeping the policy's other statements")
    .argument('<bucket>', 'the bucket (owned by the credentials in use)')
    .option('--account <id|arn>', 'the other account: a 12-digit account ID, or a user or role ARN of that account')
    .option('--read-only', 'list and download only (the default is read-write: list, download, upload, delete)')
    .option('--write-only', 'upload only: no listing, no downloading')
    .option('--prefix <folder>', "only keys under this folder ('alice' and 'alice/' both mean alice/)")
    .option('--dry-run', 'print the merged policy and what would change, and change nothing')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'The statements get Sids such as S3ShareRead111122223333ReadObjects, so a second identical grant',
        'changes nothing, a grant with another mode replaces the earlier one, and revoke-account removes',
        'exactly them. The other account must still allow its own users or roles (an identity policy).',
        '',
        'Examples:',
        '  $ s3-share grant-account reports-2024 --account 111122223333 --read-only',
        '  $ s3-share grant-account photos --account arn:aws:iam::111122223333:role/uploader --write-only --prefix incoming/',
        '  $ s3-share grant-account photos --account 111122223333 --dry-run | jq .Policy',
      ].join('\n'),
    )
    .action((bucket: string, opts: GrantAccountOptions) => runGrantAccount(bucket, opts, io));
}
