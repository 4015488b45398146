/** `s3-share get-public-access-block BUCKET`: the bucket's four Block Public Access settings as JSON. */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError } from '../errors';
import { formatObject } from '../output/records';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export interface GetPublicAccessBlockOptions extends AwsOptions {
  nl?: boolean;
  silent?: boolean;
}

export async function runGetPublicAccessBlock(bucket: string, opts: GetPublicAccessBlockOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const { validateBucketName } = await import('../policies/bucket-names');
  validateBucketName(bucket);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { readPublicAccessBlock }] = await Promise.all([
    import('../aws/clients'),
    import('../services/buckets/public-access-block'),
  ]);
  const block = await readPublicAccessBlock(await createS3Client(ctx), bucket);
  if (block === undefined) {
    throw new OperationError(
      `bucket ${bucket} has no Block Public Access settings (NoSuchPublicAccessBlockConfiguration): only the account's settings apply; set-public-access-block sets them`,
      'NoSuchPublicAccessBlockConfiguration',
    );
  }
  io.stdout.write(formatObject(block, !!opts.nl));
}

export function registerGetPublicAccessBlock(program: Command, io: CliIo): void {
  const cmd = program
    .command('get-public-access-block')
    .description("Print a bucket's Block Public Access settings as JSON (exit 1 when it has none)")
    .argument('<bucket>', 'the bucket')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ s3-share get-public-access-block photos',
        '  $ s3-share get-public-access-block photos --nl | jq .BlockPublicPolicy',
      ].join('\n'),
    )
    .action((bucket: string, opts: GetPublicAccessBlockOptions) => runGetPublicAccessBlock(bucket, opts, io));
}
