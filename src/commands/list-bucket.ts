import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { emitRecords, type OutputRecord } from '../output/records';
import { validateBucketName } from '../policies/bucket-names';
import {
  addAwsOptions,
  addListOutputOptions,
  addSilentOption,
  awsContextFor,
  recordFormat,
  reporterFor,
  type ListOutputOptions,
} from './shared/common-options';
import { folderOption } from './shared/folder-option';
import type { CliIo } from '../io';

export const OBJECT_COLUMNS = ['Key', 'Size', 'LastModified', 'ETag', 'StorageClass'];

export interface ListBucketOptions extends AwsOptions, ListOutputOptions {
  prefix?: string;
  urls?: boolean;
  silent?: boolean;
}

export async function runListBucket(bucket: string, opts: ListBucketOptions, io: CliIo): Promise<void> {
  validateBucketName(bucket);
  const format = recordFormat(opts);
  const reporter = reporterFor(opts, io);
  const prefix = folderOption(opts.prefix, reporter);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createIamClient, createS3Client, createStsClient }, objects] = await Promise.all([
    import('../aws/clients'),
    import('../services/objects/list'),
  ]);
  const s3 = await createS3Client(ctx);
  let urlFor: ((key: string) => string) | undefined;
  if (opts.urls) {
    const region = ctx.endpoint ? ctx.region : ((await objects.bucketRegion(s3, bucket)) ?? ctx.region);
    urlFor = (key) => objects.objectUrl(bucket, key, { region, endpoint: ctx.endpoint });
  }
  const columns = opts.urls ? [...OBJECT_COLUMNS, 'URL'] : OBJECT_COLUMNS;
  try {
    const n = await emitRecords(
      objects.listObjects(s3, { bucket, prefix, urlFor }) as AsyncIterable<OutputRecord>,
      format,
      io.stdout,
      columns,
    );
    reporter.info(`${n} object(s) in s3://${bucket}/${prefix ?? ''}`);
  } catch (err) {
    throw await objects.explainListingError(err, { sts: () => createStsClient(ctx), iam: () => createIamClient(ctx) }, bucket, prefix);
  }
}

export function registerListBucket(program: Command, io: CliIo): void {
  const cmd = program
    .command('list-bucket')
    .description('List the objects in a bucket, or in one of its folders')
    .argument('<bucket>', 'the bucket')
    .option('--prefix <folder>', "only objects under this folder ('alice' means 'alice/')")
    .option('--urls', 'add URL: the https URL of each object (path-style under --endpoint-url when set)')
    .addHelpText(
      'after',
      [
        '',
        'One record per object: Key, Size, LastModified, ETag, StorageClass (and URL with --urls).',
        'Credentials limited to a folder must list that folder: pass --prefix FOLDER/.',
        '',
        'Examples:',
        '  $ s3-share list-bucket photos',
        '  $ s3-share list-bucket photos --prefix alice/ --auth alice.json --nl | jq -r .Key',
        '  $ s3-share list-bucket photos --urls --csv > photos.csv',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action((bucket: string, opts: ListBucketOptions) =>
    runListBucket(bucket, opts, io),
  );
}
