/**
 * `s3-share set-public-access-block BUCKET [--block-public-acls B] [--ignore-public-acls B]
 * [--block-public-policy B] [--restrict-public-buckets B] [--allow-public-access]`: change some
 * of a bucket's Block Public Access settings and keep the others as they are.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { runPlan } from './shared/run-plan';
import type { CliIo } from '../io';

export interface SetPublicAccessBlockOptions extends AwsOptions {
  blockPublicAcls?: boolean;
  ignorePublicAcls?: boolean;
  blockPublicPolicy?: boolean;
  restrictPublicBuckets?: boolean;
  allowPublicAccess?: boolean;
  dryRun?: boolean;
  nl?: boolean;
  silent?: boolean;
}

// The words click's BOOLEAN type accepts, which s3-credentials scripts may use.
const TRUE = new Set(['1', 'true', 't', 'yes', 'y', 'on']);
const FALSE = new Set(['0', 'false', 'f', 'no', 'n', 'off']);

/** Parses true/false, yes/no, 1/0, on/off (any case) for the named flag. */
export function parseBoolean(flag: string) {
  return (value: string): boolean => {
    const v = value.trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    throw new UsageError(`${flag} '${value}' is not true or false: use true/false, yes/no, 1/0 or on/off`);
  };
}

const FLAGS = [
  ['--block-public-acls', 'blockPublicAcls', 'BlockPublicAcls', 'reject requests that add a public ACL'],
  ['--ignore-public-acls', 'ignorePublicAcls', 'IgnorePublicAcls', 'ignore public ACLs on the bucket and its objects'],
  ['--block-public-policy', 'blockPublicPolicy', 'BlockPublicPolicy', 'reject bucket policies that grant public access'],
  ['--restrict-public-buckets', 'restrictPublicBuckets', 'RestrictPublicBuckets', 'limit a public bucket to AWS principals and the owner'],
] as const;

type Setting = (typeof FLAGS)[number][2];

/** The settings the command line changes. */
export function publicAccessChanges(opts: SetPublicAccessBlockOptions): Partial<Record<Setting, boolean>> {
  const given = FLAGS.filter(([, key]) => opts[key] !== undefined);
  if (opts.allowPublicAccess) {
    if (given.length) {
      throw new UsageError(
        `--allow-public-access turns every setting off, so it cannot be combined with ${given.map(([f]) => f).join(', ')}: give one or the other`,
      );
    }
    return Object.fromEntries(FLAGS.map(([, , setting]) => [setting, false]));
  }
  if (!given.length) {
    throw new UsageError(`nothing to set: give at least one of ${FLAGS.map(([f]) => f).join(', ')}, or --allow-public-access`);
  }
  return Object.fromEntries(given.map(([, key, setting]) => [setting, opts[key]]));
}

export async function runSetPublicAccessBlock(bucket: string, opts: SetPublicAccessBlockOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const { validateBucketName } = await import('../policies/bucket-names');
  validateBucketName(bucket);
  const changes = publicAccessChanges(opts);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { planSetPublicAccessBlock }] = await Promise.all([
    import('../aws/clients'),
    import('../services/buckets/public-access-block'),
  ]);
  const plan = await planSetPublicAccessBlock(await createS3Client(ctx), bucket, changes);
  if (opts.allowPublicAccess) {
    reporter.warn(
      `Block Public Access ${opts.dryRun ? 'would be' : 'is now'} off for bucket ${bucket}: a bucket policy or ACL may now make it public`,
    );
  }
  await runPlan(plan, opts, io, reporter, {
    result: plan.result,
    unchanged: `nothing to change: bucket ${bucket} already has these Block Public Access settings`,
  });
}

export function registerSetPublicAccessBlock(program: Command, io: CliIo): void {
  const cmd = program
    .command('set-public-access-block')
    .description("Change a bucket's Block Public Access settings; the ones not given keep their value")
    .argument('<bucket>', 'the bucket');
  for (const [flag, , , help] of FLAGS) cmd.option(`${flag} <bool>`, `${help} (true/false)`, parseBoolean(flag));
  cmd
    .option('--allow-public-access', 'turn all four settings off, so the bucket can be made public')
    .option('--dry-run', 'print the settings it would put, and change nothing')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'The current settings are read first and the ones not given are kept (a bucket with none',
        'starts from all four off, as S3 treats it). Values: true/false, yes/no, 1/0, on/off.',
        '',
        'Examples:',
        '  $ s3-share set-public-access-block photos --block-public-acls false',
        '  $ s3-share set-public-access-block photos --block-public-policy true --restrict-public-buckets true',
        '  $ s3-share set-public-access-block www-site --allow-public-access --dry-run',
      ].join('\n'),
    )
    .action((bucket: string, opts: SetPublicAccessBlockOptions) => runSetPublicAccessBlock(bucket, opts, io));
}
