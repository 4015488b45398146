import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import { formatObject } from '../output/records';
import { validateBucketName } from '../policies/bucket-names';
import { validateDestinationKey } from '../policies/prefix';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { parseExpires } from './shared/durations';
import type { CliIo } from '../io';

export interface ShareOptions extends AwsOptions {
  expires: string;
  upload?: boolean;
  contentType?: string;
  nl?: boolean;
  silent?: boolean;
}

export async function runShare(bucket: string, key: string, opts: ShareOptions, io: CliIo): Promise<void> {
  validateBucketName(bucket);
  if (key === '') throw new UsageError('the key is empty: give the key of the object to share');
  // An upload link writes to the key, so the key follows the rules of every upload.
  if (opts.upload) validateDestinationKey(key);
  if (opts.contentType !== undefined && !opts.upload)
    throw new UsageError('--content-type applies to upload links only: add --upload, or drop it');
  if (opts.contentType !== undefined && !/^[\x21-\x7e][\x20-\x7e]*$/.test(opts.contentType)) {
    throw new UsageError(`--content-type '${opts.contentType}' is not a valid header value: give a type such as application/zip`);
  }
  const expiresIn = parseExpires(opts.expires);
  const shareLinks = await import('../services/objects/share-links');
  const reporter = reporterFor(opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const { createS3Client } = await import('../aws/clients');
  const shared = await shareLinks.createShareLink(await createS3Client(ctx), {
    bucket,
    key,
    expiresIn,
    upload: opts.upload,
    contentType: opts.contentType,
  });
  io.stdout.write(formatObject(shared.link, opts.nl));
  for (const w of shareLinks.lifetimeWarnings(shared)) reporter.warn(w);
  reporter.info(
    `anyone with this URL can ${opts.upload ? 'upload to' : 'download'} s3://${bucket}/${key} until ${shared.link.Expires}; the URL itself was not checked against the policy`,
  );
  if (opts.upload) reporter.info(shareLinks.uploadHint(shared.link));
}

export function registerShare(program: Command, io: CliIo): void {
  const cmd = program
    .command('share')
    .description('Print a presigned URL that downloads one object (or, with --upload, takes one upload) without credentials')
    .argument('<bucket>', 'the bucket')
    .argument('<key>', 'the object key')
    .option('--expires <duration>', 'how long the URL works: 30s, 15m, 1h, 7d or seconds; at most 7d', '1h')
    .option('--upload', 'a URL that uploads one object to KEY with an HTTP PUT')
    .option('--content-type <type>', 'with --upload: the Content-Type the uploader must send (part of the signature)')
    .option('--nl', 'the JSON on one line')
    .addHelpText(
      'after',
      [
        '',
        'Prints URL, Method (GET or PUT), Bucket, Key, Expires (ISO time) and ExpiresIn (seconds). The',
        'URL is signed with the credentials this command runs with: it can do only what they may do,',
        'and stops working when they expire or their key is deleted (temporary credentials are',
        'pointed out on stderr).',
        '',
        'Examples:',
        '  $ s3-share share reports-2024 q1.pdf --expires 7d',
        '  $ s3-share share photos alice/cat.jpg --nl | jq -r .URL',
        '  $ s3-share share inbox from-acme/data.zip --upload --content-type application/zip --expires 2d',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(cmd)).action((bucket: string, key: string, opts: ShareOptions) => runShare(bucket, key, opts, io));
}
