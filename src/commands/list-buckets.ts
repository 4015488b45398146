import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { emitRecords, type OutputRecord } from '../output/records';
import {
  addAwsOptions,
  addListOutputOptions,
  addSilentOption,
  awsContextFor,
  positiveInt,
  recordFormat,
  reporterFor,
  type ListOutputOptions,
} from './shared/common-options';
import type { CliIo } from '../io';

export interface ListBucketsOptions extends AwsOptions, ListOutputOptions {
  details?: boolean;
  concurrency: number;
  silent?: boolean;
}

export async function runListBuckets(names: string[], opts: ListBucketsOptions, io: CliIo): Promise<void> {
  const format = recordFormat(opts);
  const reporter = reporterFor(opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { listBuckets }] = await Promise.all([import('../aws/clients'), import('../services/buckets/list')]);
  const missing: string[] = [];
  const buckets = listBuckets(await createS3Client(ctx), { names, details: opts.details, concurrency: opts.concurrency }, missing);
  const columns = opts.details
    ? ['Name', 'CreationDate', 'Region', 'Versioning', 'PublicAccessBlock', 'HasBucketPolicy', 'Acl', 'Website', 'DetailErrors']
    : ['Name', 'CreationDate'];
  await emitRecords(buckets as AsyncIterable<OutputRecord>, format, io.stdout, columns);
  for (const name of missing) reporter.warn(`bucket ${name} is not among the buckets these credentials own`);
}

export function registerListBuckets(program: Command, io: CliIo): void {
  const cmd = program
    .command('list-buckets')
    .description('List your S3 buckets, optionally only the named ones')
    .argument('[names...]', 'only these buckets')
    .option('--details', 'add region, versioning, public access block and whether a bucket policy exists')
    .option('--concurrency <n>', 'requests in flight at most for --details', positiveInt('--concurrency', 64), 8)
    .addHelpText(
      'after',
      "\nExamples:\n  $ s3-share list-buckets\n  $ s3-share list-buckets reports-2024 photos --details\n  $ s3-share list-buckets --details --nl | jq 'select(.HasBucketPolicy)'",
    );
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action((names: string[], opts: ListBucketsOptions) =>
    runListBuckets(names, opts, io),
  );
}
