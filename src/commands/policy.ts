/**
 * `s3-share policy`: print the policy s3-share would grant, without touching AWS. It reads the
 * policy options as create does (shared/policy-options.ts).
 */
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { formatObject } from '../output/records';
import { addSilentOption, reporterFor } from './shared/common-options';
import { addPolicyOptions, checkStatementSize, policySpecFromOptions, type PolicyOptions } from './shared/policy-options';
import type { CliIo } from '../io';

export interface PolicyCommandOptions extends PolicyOptions {
  publicBucket?: boolean;
  nl?: boolean;
  silent?: boolean;
}

/** Renders and prints the policy the options ask for; every mistake is a UsageError. */
export async function runPolicy(buckets: string[], opts: PolicyCommandOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  // Loaded here rather than at the top so that other commands do not parse the policy code.
  const [{ checkPolicySize, POLICY_SIZE_LIMITS }, { renderPolicy, renderPublicBucketPolicy }] = await Promise.all([
    import('../policies/documents'),
    import('../policies/templates'),
  ]);
  if (opts.publicBucket) {
    const clash = (['readOnly', 'writeOnly', 'prefix', 'policy'] as const).find((k) => opts[k] !== undefined);
    if (clash) {
      const flag = `--${clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(
        `--public-bucket and ${flag} conflict: --public-bucket prints the bucket policy that makes every object public, use it alone`,
      );
    }
    if (buckets.length !== 1) throw new UsageError(`--public-bucket takes one bucket, not ${buckets.length}: run it once per bucket`);
    checkStatementSize(opts.statement ?? []);
    const { document } = await renderPublicBucketPolicy({ bucket: buckets[0]!, statements: opts.statement });
    checkPolicySize(document, 'bucket');
    io.stdout.write(formatObject(document, opts.nl));
    return;
  }
  const spec = await policySpecFromOptions(buckets, opts, io);
  const { document, notices } = await renderPolicy(spec, { target: 'managed' });
  for (const notice of notices) reporter.info(notice);
  // Printed for a managed policy at most; over a user's inline budget it still has a use.
  const size = checkPolicySize(document, 'managed');
  if (size > POLICY_SIZE_LIMITS['user-inline']) {
    // With several prefixes, the check create makes names how many of them would fit inline.
    const howManyFit =
      (opts.prefix?.length ?? 0) > 1
        ? await renderPolicy(spec, { target: 'user-inline' }).then(
            () => undefined,
            (err: unknown) => (err instanceof UsageError ? err.message : undefined),
          )
        : undefined;
    reporter.warn(
      howManyFit
        ? `${howManyFit}; as printed, it fits only a managed policy`
        : `the policy is ${size.toLocaleString('en-US')} characters (not counting whitespace), over the 2,048 limit of a user's inline policies and of a session policy: it fits only a managed policy; share fewer buckets per user to fit`,
    );
  }
  io.stdout.write(formatObject(document, opts.nl));
}

export function registerPolicy(program: Command, io: CliIo): void {
  const cmd = program
    .command('policy')
    .description('Print the IAM policy s3-share grants for the buckets, without calling AWS')
    .argument('<buckets...>', 'the buckets; several give one policy covering all of them');
  addPolicyOptions(cmd)
    .option('--public-bucket', 'print instead the bucket policy that lets anyone read every object in the bucket')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(cmd)
    .addHelpText(
      'after',
      [
        '',
        'In a --policy template, $!BUCKET_NAME!$ is replaced by each bucket in turn and $!PREFIX!$ by each',
        '--prefix folder; the results are merged into one policy. Action names are checked against the',
        'IAM action catalogue, and the size as AWS counts it (characters, not counting whitespace).',
        '',
        'Examples:',
        '  $ s3-share policy reports-2024 --read-only',
        '  $ s3-share policy photos videos --prefix alice/ --nl',
        '  $ s3-share policy photos --prefix alice/ --prefix shared/ --read-only',
        '  $ s3-share policy photos --policy my-template.json',
        `  $ s3-share policy photos --read-only --statement '{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"arn:aws:s3:::photos/*"}'`,
        '  $ s3-share policy site-assets --public-bucket',
      ].join('\n'),
    )
    .action((buckets: string[], opts: PolicyCommandOptions) => runPolicy(buckets, opts, io));
}
