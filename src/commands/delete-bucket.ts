import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError, UsageError } from '../errors';
import { canAsk, confirm } from '../output/confirm';
import { createRecordEmitter } from '../output/records';
import { validateBucketName } from '../policies/bucket-names';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export interface DeleteBucketOptions extends AwsOptions {
  deleteObjects?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  nl?: boolean;
  silent?: boolean;
}

export async function runDeleteBucket(bucket: string, opts: DeleteBucketOptions, io: CliIo): Promise<void> {
  validateBucketName(bucket);
  if (!opts.yes && !opts.dryRun && !canAsk(io)) {
    throw new UsageError(`deleting bucket ${bucket} needs confirmation and this is not a terminal: add --yes`);
  }
  const reporter = reporterFor(opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { bucketContents, describeCount, emptyAndDeleteBucket, inspectBucket }] = await Promise.all([
    import('../aws/clients'),
    import('../services/buckets/delete'),
  ]);
  const s3 = await createS3Client(ctx);
  const contents = await inspectBucket(s3, bucket);
  const what = describeCount(contents);
  if (contents.count > 0 && !opts.deleteObjects) {
    throw new OperationError(
      `bucket ${bucket} is not empty: it holds ${what}: add --delete-objects to delete them with the bucket`,
      'BucketNotEmpty',
    );
  }

  const emitter = createRecordEmitter(opts.nl ? 'nl' : 'json', io.stdout);
  if (opts.dryRun) {
    let n = 0;
    if (contents.count > 0) {
      for await (const ref of bucketContents(s3, bucket, contents)) {
        await emitter.write(typeof ref === 'string' ? { Bucket: bucket, Key: ref } : { Bucket: bucket, ...ref });
        n++;
      }
    }
    await emitter.end();
    reporter.info(`dry run: ${n ? `${n} object(s) and ` : ''}bucket ${bucket} would be deleted; nothing was deleted`);
    return;
  }
  if (!opts.yes && !(await confirm(io, `Delete bucket ${bucket}${contents.count ? ` and its ${what}` : ''}?`))) {
    throw new OperationError('not confirmed: nothing was deleted');
  }

  let writing = Promise.resolve();
  const { deleted } = await emptyAndDeleteBucket(s3, bucket, contents, (batch) => {
    writing = writing.then(async () => {
      for (const Key of batch.deleted) await emitter.write({ Bucket: bucket, Key });
    });
    reporter.info(`deleted ${batch.deleted.length} object(s)${batch.failed.length ? `, ${batch.failed.length} refused` : ''}`);
  }).finally(() => writing);
  await emitter.end();
  reporter.info(`deleted bucket ${bucket}${deleted ? ` and ${deleted} object(s)` : ''}`);
}

export function registerDeleteBucket(program: Command, io: CliIo): void {
  const cmd = program
    .command('delete-bucket')
    .description('Delete a bucket; a bucket with objects in it only with --delete-objects')
    .argument('<bucket>', 'the bucket')
    .option('--delete-objects', 'first delete every object in the bucket, in batches of 1,000')
    .option('-y, --yes', 'do not ask before deleting (required when not on a terminal)')
    .option('--dry-run', 'print the objects that would be deleted, delete nothing')
    .option('--nl', 'one JSON object per line (NDJSON) instead of a JSON array')
    .addHelpText(
      'after',
      [
        '',
        'Prints one record per deleted object: Bucket, Key (an empty list for an empty bucket); progress',
        'goes to stderr. A bucket that holds objects is refused unless --delete-objects is given. A',
        'versioned bucket is emptied of every object version and delete marker too, since S3 deletes a',
        'bucket only once they are all gone (records then carry VersionId).',
        '',
        'Examples:',
        '  $ s3-share delete-bucket old-photos',
        '  $ s3-share delete-bucket old-photos --delete-objects --dry-run --nl | wc -l',
        '  $ s3-share delete-bucket old-photos --delete-objects --yes',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(cmd)).action((bucket: string, opts: DeleteBucketOptions) => runDeleteBucket(bucket, opts, io));
}
