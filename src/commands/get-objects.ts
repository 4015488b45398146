import * as path from 'node:path';
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError, UsageError } from '../errors';
import { validateBucketName } from '../policies/bucket-names';
import { addAwsOptions, addSilentOption, awsContextFor, positiveInt, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';
import { folderOption } from './shared/folder-option';

export interface GetObjectsOptions extends AwsOptions {
  prefix?: string;
  pattern?: string;
  glob?: string;
  output?: string;
  force?: boolean;
  concurrency: number;
  silent?: boolean;
}

export async function runGetObjects(bucket: string, keys: string[], opts: GetObjectsOptions, io: CliIo): Promise<void> {
  validateBucketName(bucket);
  if (keys.length && opts.prefix !== undefined)
    throw new UsageError('give keys or --prefix, not both: keys name objects, --prefix a folder to list');
  if (keys.some((k) => k === '')) throw new UsageError('a key is empty: give the keys of the objects to download');
  if (opts.output === '') throw new UsageError('--output is empty: give the folder to download into (default: the current folder)');
  const reporter = reporterFor(opts, io);
  const prefix = folderOption(opts.prefix, reporter);
  const dir = path.resolve(opts.output ?? '.');
  const downloads = await import('../services/objects/download');
  // A key named on the command line that the path guard would refuse is a usage error, found
  // before any AWS call; keys found by listing are refused one by one as they come.
  for (const key of keys) {
    const target = downloads.keyTarget(dir, key);
    if (target.kind === 'refused') {
      const shown = key.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
      throw new UsageError(`key '${shown}' cannot be written under ${dir}: ${target.reason}: download it with 'get-object -o FILE'`);
    }
  }
  if (opts.pattern !== undefined && opts.glob !== undefined)
    throw new UsageError('-p/--pattern and --glob conflict: they are two dialects of one filter; give one of them');
  const { fnmatchGlob, folderGlob } = await import('../services/transfer/globs');
  const pattern = opts.pattern !== undefined ? fnmatchGlob(opts.pattern) : opts.glob !== undefined ? folderGlob(opts.glob) : undefined;
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createIamClient, createS3Client, createStsClient }, { explainListingError, listKeys }] = await Promise.all([
    import('../aws/clients'),
    import('../services/objects/list'),
  ]);
  const s3 = await createS3Client(ctx);

  async function* selected(): AsyncGenerator<string> {
    const source = keys.length ? [...new Set(keys)] : listKeys(s3, bucket, prefix);
    for await (const key of source) if (!pattern || pattern.test(key)) yield key;
  }

  const counts = { downloaded: 0, skipped: 0, refused: 0, failed: 0, existing: 0 };
  let bytes = 0;
  const where = (file: string) => path.relative(process.cwd(), file) || '.';
  try {
    for await (const o of downloads.downloadMany(s3, { bucket, keys: selected(), dir, concurrency: opts.concurrency, force: opts.force })) {
      const name = `s3://${bucket}/${o.Key}`;
      if (o.Status === 'downloaded') {
        counts.downloaded++;
        bytes += o.Size;
        reporter.info(`${name} -> ${where(o.Path)} (${o.Size} bytes)`);
      } else if (o.Status === 'skipped') {
        counts.skipped++;
        reporter.info(`${name}: skipped, ${o.Reason}`);
      } else if (o.Status === 'exists') {
        counts.existing++;
        io.stderr.write(`error: ${name}: ${where(o.Path)} already exists: not replaced (add --force to replace it)\n`);
      } else {
        counts[o.Status]++;
        const reason = o.Status === 'failed' && o.Error ? (await import('../aws/errors')).describeAwsError(o.Error) : o.Reason;
        io.stderr.write(`error: ${name}: ${o.Status === 'refused' ? `refused, ${reason}: not written` : reason}\n`);
      }
    }
  } catch (err) {
    throw keys.length
      ? err
      : await explainListingError(err, { sts: () => createStsClient(ctx), iam: () => createIamClient(ctx) }, bucket, prefix);
  }
  const total = counts.downloaded + counts.skipped + counts.refused + counts.failed + counts.existing;
  const notDone = counts.refused + counts.failed + counts.existing;
  reporter.info(
    `downloaded ${counts.downloaded} of ${total} object(s) (${bytes} bytes) to ${where(dir)}` +
      (notDone + counts.skipped
        ? `; ${counts.refused} refused (path traversal), ${counts.failed} failed, ${counts.existing} already present, ${counts.skipped} folder marker(s) skipped`
        : ''),
  );
  if (notDone) {
    const parts = [
      counts.refused && `${counts.refused} refused`,
      counts.failed && `${counts.failed} failed`,
      counts.existing && `${counts.existing} already present (add --force to replace)`,
    ].filter(Boolean);
    throw new OperationError(`${notDone} of ${total} object(s) not downloaded (${parts.join(', ')}): see the messages above`);
  }
}

export function registerGetObjects(program: Command, io: CliIo): void {
  const cmd = program
    .command('get-objects')
    .description('Download objects into a directory: the named keys, or every object (under --prefix, matching -p/--pattern or --glob)')
    .argument('<bucket>', 'the bucket')
    .argument('[keys...]', 'the keys to download (default: list the bucket, or the --prefix folder)')
    .option('--prefix <folder>', "download the objects under this folder ('alice' means 'alice/')")
    .option(
      '-p, --pattern <pattern>',
      "only keys matching PATTERN, as s3-credentials and fnmatch read it: '*' matches any characters, '/' included, so '*.txt' also matches a/b.txt",
    )
    .option(
      '--glob <glob>',
      "only keys matching GLOB, folder-bounded: '*' and '?' stay within a folder, '**' crosses folders, e.g. '*/*.csv'",
    )
    .option('-o, --output <dir>', 'the directory to write into (default: the current directory)')
    .option('--force', 'replace existing files (otherwise they are left alone and reported)')
    .option('--concurrency <n>', 'downloads at once', positiveInt('--concurrency', 64), 8)
    .addHelpText(
      'after',
      [
        '',
        'Each key becomes a path under DIR (photos/alice/cat.jpg for the key alice/cat.jpg). A key that',
        "could land outside DIR (a '..' segment, an absolute path such as /etc/passwd or C:\\x, a",
        'symbolic link leading out) is refused and reported; the others are still downloaded. Keys',
        "ending in '/' are folder markers and are skipped. Files are written to a temporary name and",
        'moved into place when complete. Exit code 1 when any object was refused, failed or skipped.',
        '',
        'Examples:',
        '  $ s3-share get-objects photos --prefix alice/ -o ./photos --auth alice.json',
        "  $ s3-share get-objects reports-2024 -p '*.csv' -o reports",
        "  $ s3-share get-objects reports-2024 --glob '2024/*.csv' -o reports",
        '  $ s3-share get-objects photos alice/cat.jpg alice/dog.jpg',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(cmd)).action((bucket: string, keys: string[], opts: GetObjectsOptions) =>
    runGetObjects(bucket, keys, opts, io),
  );
}
