import type { Command } from 'commander';
import type { AwsContext } from '../aws/config';
import { errorCode } from '../aws/errors';
import { OperationError } from '../errors';
import { emitRecords, type OutputRecord } from '../output/records';
import type { Reporter } from '../output/reporter';
import { validateBucketName } from '../policies/bucket-names';
import { normalizePrefix } from '../policies/prefix';
import { addAwsOptions, addListOutputOptions, addSilentOption, awsContextFor, recordFormat, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export const OBJECT_COLUMNS = ['Key', 'Size', 'LastModified', 'ETag', 'StorageClass'];

export function registerListBucket(program: Command, io: CliIo): void {
  const cmd = program
    .command('list-bucket')
    .description("List the objects in a bucket, or in one of its folders")
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
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action(async (bucket: string, opts) => {
    validateBucketName(bucket);
    const format = recordFormat(opts);
    const reporter = reporterFor(opts, io);
    const prefix = folderOption(opts.prefix, reporter);
    const ctx = await awsContextFor(opts, io, reporter);
    const [{ createS3Client }, objects] = await Promise.all([import('../aws/clients'), import('../services/objects/list')]);
    const s3 = await createS3Client(ctx);
    let urlFor: ((key: string) => string) | undefined;
    if (opts.urls) {
      const region = ctx.endpoint ? ctx.region : ((await objects.bucketRegion(s3, bucket)) ?? ctx.region);
      urlFor = (key) => objects.objectUrl(bucket, key, { region, endpoint: ctx.endpoint });
    }
    const columns = opts.urls ? [...OBJECT_COLUMNS, 'URL'] : OBJECT_COLUMNS;
    try {
      const n = await emitRecords(objects.listObjects(s3, { bucket, prefix, urlFor }) as AsyncIterable<OutputRecord>, format, io.stdout, columns);
      reporter.info(`${n} object(s) in s3://${bucket}/${prefix ?? ''}`);
    } catch (err) {
      throw await explainListingError(err, ctx, bucket, prefix);
    }
  });
}

/** --prefix names a folder, as in `policy`: 'alice' means 'alice/' (with a notice). */
export function folderOption(raw: string | undefined, reporter: Reporter): string | undefined {
  if (raw === undefined) return undefined;
  const { prefix, notice } = normalizePrefix(raw);
  if (notice) reporter.info(notice);
  return prefix;
}

/**
 * An AccessDenied on a listing of the whole bucket usually means credentials limited to a folder:
 * say so, and name the folders when the caller may read its own inline policies. Other errors
 * are returned unchanged.
 */
export async function explainListingError(err: unknown, ctx: AwsContext, bucket: string, prefix: string | undefined): Promise<unknown> {
  if (prefix !== undefined || !/^AccessDenied/.test(errorCode(err))) return err;
  const [{ createIamClient, createStsClient }, { ownListablePrefixes }] = await Promise.all([import('../aws/clients'), import('../services/objects/list')]);
  const folders = await ownListablePrefixes({ sts: await createStsClient(ctx), iam: await createIamClient(ctx) }, bucket).catch(() => []);
  const known = folders.length
    ? `; these credentials may list ${folders.map((f) => `--prefix ${f}`).join(' or ')}`
    : '';
  return new OperationError(
    `access denied listing the whole bucket ${bucket} (AccessDenied): if your credentials are limited to a folder, pass --prefix FOLDER/${known}`,
    'AccessDenied',
  );
}
