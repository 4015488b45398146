import * as path from 'node:path';
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import { validateBucketName } from '../policies/bucket-names';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export interface GetObjectOptions extends AwsOptions {
  output?: string;
  force?: boolean;
  silent?: boolean;
}

export async function runGetObject(bucket: string, key: string, opts: GetObjectOptions, io: CliIo): Promise<void> {
  validateBucketName(bucket);
  if (key === '') throw new UsageError('the key is empty: give the key of the object to download');
  if (opts.output === '') throw new UsageError("--output is empty: give a file to write, or '-' for stdout");
  const file = opts.output === undefined || opts.output === '-' ? undefined : path.resolve(opts.output);
  const reporter = reporterFor(opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, downloads] = await Promise.all([import('../aws/clients'), import('../services/objects/download')]);
  const s3 = await createS3Client(ctx);
  if (!file) {
    await downloads.downloadToStream(s3, bucket, key, io.stdout);
    return;
  }
  try {
    const bytes = await downloads.downloadToFile(s3, { bucket, key, force: opts.force }, file);
    reporter.info(`downloaded s3://${bucket}/${key} to ${opts.output} (${bytes} bytes)`);
  } catch (err) {
    if (err instanceof downloads.FileExistsError)
      throw new UsageError(`${opts.output} already exists: choose another file, or add --force`);
    throw err;
  }
}

export function registerGetObject(program: Command, io: CliIo): void {
  const cmd = program
    .command('get-object')
    .description('Download one object to stdout (streamed, bytes unchanged) or to a file')
    .argument('<bucket>', 'the bucket')
    .argument('<key>', 'the object key')
    .option('-o, --output <file>', "write to FILE instead of stdout ('-' is stdout)")
    .option('--force', 'replace FILE if it exists (otherwise an existing file is refused)')
    .addHelpText(
      'after',
      [
        '',
        'With --output the object is written to a temporary file beside FILE and moved into place',
        'once complete, so a failed download never leaves half a file.',
        '',
        'Examples:',
        '  $ s3-share get-object photos alice/cat.jpg --auth alice.json > cat.jpg',
        '  $ s3-share get-object reports-2024 q1.csv -o q1.csv --force',
        '  $ s3-share get-object logs app.log.gz | gunzip | grep ERROR',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(cmd)).action((bucket: string, key: string, opts: GetObjectOptions) => runGetObject(bucket, key, opts, io));
}
