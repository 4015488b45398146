/** `s3-share get-bucket-policy BUCKET`: the bucket's policy as JSON on stdout. */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError } from '../errors';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export interface GetBucketPolicyOptions extends AwsOptions {
  nl?: boolean;
  silent?: boolean;
}

export async function runGetBucketPolicy(bucket: string, opts: GetBucketPolicyOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const { validateBucketName } = await import('../policies/bucket-names');
  validateBucketName(bucket);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { getBucketPolicyText }] = await Promise.all([import('../aws/clients'), import('../services/buckets/policy')]);
  const text = await getBucketPolicyText(await createS3Client(ctx), bucket);
  if (text === null) {
    throw new OperationError(
      `bucket ${bucket} has no bucket policy (NoSuchBucketPolicy): grant-account or aws s3api put-bucket-policy adds one`,
      'NoSuchBucketPolicy',
    );
  }
  try {
    JSON.parse(text);
  } catch (err) {
    // Still hand over what is stored, so it can be repaired.
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    throw new OperationError(
      `the bucket policy of ${bucket} is not valid JSON (${(err as Error).message}): it was printed as stored; fix it and put it back`,
    );
  }
  // Laid out like every other JSON s3-share prints, but from the text: parsing and printing the
  // value would change other people's numbers and escapes (12345678901234567891, 1.0, \u00e9).
  const { formatJsonText } = await import('../policies/policy-text');
  io.stdout.write(formatJsonText(text, !!opts.nl) + '\n');
}

export function registerGetBucketPolicy(program: Command, io: CliIo): void {
  const cmd = program
    .command('get-bucket-policy')
    .description("Print a bucket's policy as JSON (exit 1 when it has none)")
    .argument('<bucket>', 'the bucket')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ s3-share get-bucket-policy photos',
        "  $ s3-share get-bucket-policy photos --nl | jq -r '.Statement[].Sid'",
      ].join('\n'),
    )
    .action((bucket: string, opts: GetBucketPolicyOptions) => runGetBucketPolicy(bucket, opts, io));
}
