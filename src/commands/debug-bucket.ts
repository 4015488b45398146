/**
 * `s3-share debug-bucket BUCKET`: the settings that decide who can read a bucket (ACL, policy
 * status, Block Public Access, Object Ownership, region, website, versioning, the policy) as one
 * JSON object on stdout, and a one-line verdict on whether anyone can read it, in the object and
 * on stderr. A read that is refused is reported in its field; the command still exits 0.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { formatObject } from '../output/records';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export interface DebugBucketOptions extends AwsOptions {
  nl?: boolean;
  silent?: boolean;
}

export async function runDebugBucket(bucket: string, opts: DebugBucketOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const { validateBucketName } = await import('../policies/bucket-names');
  validateBucketName(bucket);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { debugBucket }] = await Promise.all([import('../aws/clients'), import('../services/buckets/debug')]);
  const report = await debugBucket(await createS3Client(ctx), bucket);
  io.stdout.write(formatObject(report, opts.nl));
  const refused = Object.entries(report).filter(([, v]) => typeof v === 'object' && v !== null && 'Error' in v);
  for (const [field, v] of refused) reporter.warn(`could not read ${field}: ${(v as { Error: { Message: string } }).Error.Message}`);
  reporter.info(report.Verdict);
}

export function registerDebugBucket(program: Command, io: CliIo): void {
  const cmd = program
    .command('debug-bucket')
    .description('Show the settings that decide who can read a bucket, and whether anyone on the internet can')
    .argument('<bucket>', 'the bucket')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'Prints one JSON object: Region, BucketAcl, BucketPolicyStatus, BucketPublicAccessBlock,',
        'OwnershipControls, Website, Versioning, BucketPolicy (null where the bucket has none), and',
        'PubliclyReadable (true, false, or null when it cannot be told) with the Verdict saying why.',
        'A read that AWS refuses is {"Error": {"Code", "Message"}} in its field, and named on stderr.',
        'Account-level Block Public Access is not read.',
        '',
        'Examples:',
        '  $ s3-share debug-bucket my-bucket',
        '  $ s3-share debug-bucket my-bucket --nl | jq -r .Verdict',
      ].join('\n'),
    )
    .action((bucket: string, opts: DebugBucketOptions) => runDebugBucket(bucket, opts, io));
}
