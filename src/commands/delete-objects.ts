import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError, UsageError } from '../errors';
import { canAsk, confirm } from '../output/confirm';
import { createRecordEmitter } from '../output/records';
import { validateBucketName } from '../policies/bucket-names';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';
import { folderOption } from './shared/folder-option';

export interface DeleteObjectsOptions extends AwsOptions {
  prefix?: string;
  dryRun?: boolean;
  yes?: boolean;
  nl?: boolean;
  silent?: boolean;
}

/**
 * Whether deleting needs a person's yes, and whether one can be had. Named keys were chosen one by
 * one; a --prefix deletes whatever is in the folder, which the user may not have seen.
 */
export function confirmationNeeded(opts: DeleteObjectsOptions, io: Pick<CliIo, 'stdinIsTTY' | 'stderrIsTTY'>): boolean {
  if (opts.prefix === undefined || opts.yes || opts.dryRun) return false;
  if (!canAsk(io)) throw new UsageError('--prefix deletes every object in the folder and this is not a terminal to confirm it: add --yes');
  return true;
}

export async function runDeleteObjects(bucket: string, keys: string[], opts: DeleteObjectsOptions, io: CliIo): Promise<void> {
  validateBucketName(bucket);
  if (keys.length && opts.prefix !== undefined) throw new UsageError('give keys or --prefix, not both');
  if (!keys.length && opts.prefix === undefined) {
    throw new UsageError(
      'nothing to delete: name the keys, or a folder with --prefix FOLDER/ (a whole bucket is never emptied by default)',
    );
  }
  if (keys.some((k) => k === '')) throw new UsageError('a key is empty: give the keys of the objects to delete');
  const reporter = reporterFor(opts, io);
  const prefix = folderOption(opts.prefix, reporter);
  const ask = confirmationNeeded(opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createIamClient, createS3Client, createStsClient }, { explainListingError, listKeys }, { deleteKeys }] = await Promise.all([
    import('../aws/clients'),
    import('../services/objects/list'),
    import('../services/objects/batch-delete'),
  ]);
  const s3 = await createS3Client(ctx);
  const where = `s3://${bucket}/${prefix ?? ''}`;

  let targets: string[] = [...new Set(keys)];
  if (prefix !== undefined) {
    targets = [];
    try {
      // S3 filters by Prefix already; the check keeps a misbehaving server from widening a delete.
      for await (const key of listKeys(s3, bucket, prefix)) if (key.startsWith(prefix)) targets.push(key);
    } catch (err) {
      throw await explainListingError(err, { sts: () => createStsClient(ctx), iam: () => createIamClient(ctx) }, bucket, prefix);
    }
    if (!targets.length) {
      reporter.info(`no objects under ${where}: nothing to delete`);
      await createRecordEmitter(opts.nl ? 'nl' : 'json', io.stdout).end();
      return;
    }
  }

  const emitter = createRecordEmitter(opts.nl ? 'nl' : 'json', io.stdout);
  if (opts.dryRun) {
    for (const Key of targets) await emitter.write({ Bucket: bucket, Key });
    await emitter.end();
    reporter.info(`dry run: ${targets.length} object(s) would be deleted from ${where}; nothing was deleted`);
    return;
  }
  if (ask) {
    const sample = targets.slice(0, 5).join(', ') + (targets.length > 5 ? ', ...' : '');
    if (!(await confirm(io, `Delete ${targets.length} object(s) under ${where} (${sample})?`))) {
      throw new OperationError('not confirmed: nothing was deleted');
    }
  }

  let writing = Promise.resolve();
  const result = await deleteKeys(s3, bucket, targets, (batch) => {
    writing = writing.then(async () => {
      for (const Key of batch.deleted) await emitter.write({ Bucket: bucket, Key });
    });
    reporter.info(`deleted ${batch.deleted.length} object(s)${batch.failed.length ? `, ${batch.failed.length} refused` : ''}`);
  });
  await writing;
  await emitter.end();
  for (const f of result.failed) {
    const why = f.Code === 'AccessDenied' ? 'access denied: these credentials may not call s3:DeleteObject' : f.Message || 'not deleted';
    io.stderr.write(`error: s3://${bucket}/${f.Key}: ${why} (${f.Code})\n`);
  }
  reporter.info(`deleted ${result.deleted.length} of ${targets.length} object(s) from ${where}`);
  if (result.failed.length) {
    throw new OperationError(`${result.failed.length} of ${targets.length} object(s) not deleted: see the errors above`);
  }
}

export function registerDeleteObjects(program: Command, io: CliIo): void {
  const cmd = program
    .command('delete-objects')
    .description('Delete the named objects, or every object under a folder, in batches of 1,000')
    .argument('<bucket>', 'the bucket')
    .argument('[keys...]', 'the keys to delete')
    .option('--prefix <folder>', "delete every object under this folder ('alice' means 'alice/', never 'alice-evil/')")
    .option('-d, --dry-run', 'print what would be deleted, delete nothing')
    .option('-y, --yes', 'do not ask before deleting a --prefix folder (required when not on a terminal)')
    .option('--nl', 'one JSON object per line (NDJSON) instead of a JSON array')
    .addHelpText(
      'after',
      [
        '',
        'Prints one record per deleted object: Bucket, Key; the count goes to stderr. S3 reports a key',
        'that did not exist as deleted. On a versioned bucket S3 keeps the old versions behind delete',
        'markers, as `aws s3 rm` does.',
        '',
        'Examples:',
        '  $ s3-share delete-objects photos alice/cat.jpg alice/dog.jpg',
        '  $ s3-share delete-objects photos --prefix alice/ --dry-run --nl | wc -l',
        '  $ s3-share delete-objects photos --prefix alice/ --yes --nl >> deleted.ndjson',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(cmd)).action((bucket: string, keys: string[], opts: DeleteObjectsOptions) =>
    runDeleteObjects(bucket, keys, opts, io),
  );
}
