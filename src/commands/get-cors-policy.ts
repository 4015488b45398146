/** `s3-share get-cors-policy BUCKET`: the bucket's CORS rules as JSON on stdout. */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError } from '../errors';
import { formatObject } from '../output/records';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export interface GetCorsPolicyOptions extends AwsOptions {
  nl?: boolean;
  silent?: boolean;
}

export async function runGetCorsPolicy(bucket: string, opts: GetCorsPolicyOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const { validateBucketName } = await import('../policies/bucket-names');
  validateBucketName(bucket);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { getBucketCorsRules }] = await Promise.all([import('../aws/clients'), import('../services/buckets/cors')]);
  const rules = await getBucketCorsRules(await createS3Client(ctx), bucket);
  if (rules === null) {
    throw new OperationError(
      `bucket ${bucket} has no CORS configuration (NoSuchCORSConfiguration): set-cors-policy adds one`,
      'NoSuchCORSConfiguration',
    );
  }
  io.stdout.write(formatObject(rules, !!opts.nl));
}

export function registerGetCorsPolicy(program: Command, io: CliIo): void {
  const cmd = program
    .command('get-cors-policy')
    .description("Print a bucket's CORS rules as JSON (exit 1 when it has none)")
    .argument('<bucket>', 'the bucket')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ s3-share get-cors-policy photos',
        "  $ s3-share get-cors-policy photos --nl | jq -r '.[].AllowedOrigins[]'",
      ].join('\n'),
    )
    .action((bucket: string, opts: GetCorsPolicyOptions) => runGetCorsPolicy(bucket, opts, io));
}
