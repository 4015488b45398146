/**
 * `s3-share put-objects BUCKET PATH... [--prefix FOLDER]`: upload files and folders (recursively),
 * several at a time. The plan (local files -> keys) is built before any AWS call; --dry-run prints
 * it and stops. The plan is services/objects/upload-plan.ts, the uploads services/transfer.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { InterruptedError, OperationError } from '../errors';
import { createProgress, formatBytes } from '../output/progress';
import { createRecordEmitter } from '../output/records';
import { validateBucketName } from '../policies/bucket-names';
import type { WalkIssue } from '../services/transfer/local-walk';
import type { UploadOutcome } from '../services/transfer/upload-many';
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
import { SIGNAL_EXIT_CODES, type CliIo } from '../io';
import { folderOption } from './shared/folder-option';

export interface PutObjectsOptions extends AwsOptions, ListOutputOptions {
  prefix?: string;
  dryRun?: boolean;
  concurrency: number;
  silent?: boolean;
}

export const UPLOAD_COLUMNS = ['Bucket', 'Key', 'Size', 'ETag'];

function issueWhere(issue: WalkIssue & { folder: string }): string {
  return `${issue.folder.replace(/\/+$/, '')}/${issue.relativePath}`;
}

function issueMessage(issue: WalkIssue & { folder: string }): string {
  const where = issueWhere(issue);
  switch (issue.kind) {
    case 'loop':
      return `${where}: skipped, a symbolic link back to ${issue.target} (a loop)`;
    case 'broken-link':
      return `${where}: skipped, a symbolic link to nothing`;
    case 'special':
      return `${where}: skipped, not a regular file`;
    case 'unreadable':
      return `${where}: cannot be read (${issue.code})`;
  }
}

export async function runPutObjects(bucket: string, paths: string[], opts: PutObjectsOptions, io: CliIo): Promise<void> {
  validateBucketName(bucket);
  const format = recordFormat(opts);
  const reporter = reporterFor(opts, io);
  const prefix = folderOption(opts.prefix, reporter) ?? '';
  const [{ planUploads }, { uploadMany }] = await Promise.all([
    import('../services/objects/upload-plan'),
    import('../services/transfer/upload-many'),
  ]);
  const plan = await planUploads(paths, prefix);
  // label: what failed (a file and its key, or a path the folder walk could not read).
  const failures: Array<{ label: string; error: string; planned: boolean }> = [];
  for (const issue of plan.issues) {
    if (issue.kind === 'unreadable') failures.push({ label: issueWhere(issue), error: `cannot be read (${issue.code})`, planned: false });
    else reporter.warn(issueMessage(issue));
  }
  const where = `s3://${bucket}/${prefix}`;

  if (opts.dryRun) {
    const emitter = createRecordEmitter(format, io.stdout, ['Bucket', 'Key', 'Size']);
    for (const u of plan.uploads) await emitter.write({ Bucket: bucket, Key: u.key, Size: u.size });
    await emitter.end();
    reporter.info(`dry run, nothing uploaded: ${plan.uploads.length} file(s) (${formatBytes(plan.bytes)}) would go to ${where}`);
    for (const f of failures) io.stderr.write(`error: ${f.label}: ${f.error}\n`);
    if (failures.length) throw new OperationError(`${failures.length} path(s) could not be read: see the messages above`);
    return;
  }

  const ctx = await awsContextFor(opts, io, reporter);
  const { createS3Client } = await import('../aws/clients');
  const s3 = await createS3Client(ctx, undefined, { maxSockets: Math.max(50, opts.concurrency * 4) });
  // From here a signal aborts the uploads in flight (and their multipart uploads) before exiting.
  io.interrupts.handle();
  const signal = io.interrupts.signal;

  const progress = io.stderrIsTTY && !opts.silent ? createProgress(io.stderr) : undefined;
  progress?.setTotals(plan.uploads.length, plan.bytes);
  const emitter = createRecordEmitter(format, io.stdout, UPLOAD_COLUMNS);
  // Records are written in the order files finish, one write at a time (stdout back-pressure).
  let writing: Promise<void> = Promise.resolve();
  let uploaded = 0;
  let bytes = 0;
  const outcome = (o: UploadOutcome) => {
    progress?.fileDone();
    if (o.status === 'failed') {
      failures.push({ label: `${o.upload.path} -> s3://${bucket}/${o.upload.key}`, error: o.error, planned: true });
      return;
    }
    uploaded++;
    bytes += o.result.size;
    const record = { Bucket: bucket, Key: o.result.key, Size: o.result.size, ETag: `"${o.result.etag}"` };
    writing = writing.then(() => emitter.write(record));
  };
  let aborted: boolean;
  try {
    ({ aborted } = await uploadMany(
      s3,
      { bucket, uploads: plan.uploads, concurrency: opts.concurrency, signal },
      { outcome, progress: (n) => progress?.bytes(n) },
    ));
    await writing;
  } finally {
    progress?.stop();
    s3.destroy();
  }
  if (aborted) {
    // Half a list stays an unterminated JSON array, so it cannot pass for the whole of it.
    throw new InterruptedError(
      `interrupted: ${uploaded} of ${plan.uploads.length} file(s) uploaded before stopping; unfinished multipart uploads were aborted: run the same command again to finish`,
      SIGNAL_EXIT_CODES[signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'],
    );
  }
  await emitter.end();
  // Every failure is an error line, even with --silent.
  for (const f of failures) io.stderr.write(`error: ${f.label}: ${f.error}\n`);
  const total = plan.uploads.length + failures.filter((f) => !f.planned).length;
  reporter.info(
    `uploaded ${uploaded} of ${total} file(s) (${formatBytes(bytes)}) to ${where}${failures.length ? `; ${failures.length} failed` : ''}`,
  );
  if (failures.length) {
    const first = failures[0];
    throw new OperationError(
      `${failures.length} of ${total} file(s) not uploaded (first: ${first.label}: ${first.error}): fix the cause and upload those again`,
    );
  }
}

export function registerPutObjects(program: Command, io: CliIo): void {
  const cmd = program
    .command('put-objects')
    .description('Upload files and folders (recursively), several at a time; a folder keeps its name as the first key segment')
    .argument('<bucket>', 'the bucket')
    .argument('<paths...>', 'the files and folders to upload')
    .option('--prefix <folder>', "upload under this folder ('alice' means 'alice/')")
    .option('--dry-run', 'print what would be uploaded (Bucket, Key, Size) and upload nothing')
    .option('--concurrency <n>', 'files uploaded at once', positiveInt('--concurrency', 64), 8)
    .addHelpText(
      'after',
      [
        '',
        'Keys, as s3-credentials names them: a file keeps its name (docs/a.txt -> a.txt); a folder',
        "keeps its own name as the first segment (photos -> photos/2024/a.jpg); '.' uploads the",
        "current folder's contents at the top, and so does photos/* through the shell. --prefix goes",
        'in front of every key. Two files that would land on one key are refused before anything is',
        'uploaded. Symbolic links are followed; a link back into a folder being walked is skipped.',
        '',
        'One record per uploaded file (Bucket, Key, Size, ETag) on stdout as each finishes. A file',
        'that fails does not stop the others: failures are listed at the end and the exit code is 1.',
        'Files larger than 8 MiB go up as streamed multipart uploads; Ctrl-C aborts those in flight.',
        '',
        'Examples:',
        '  $ s3-share put-objects photos ./2024 --prefix alice/ --auth alice.json',
        '  $ s3-share put-objects reports-2024 q1.csv q2.csv --nl',
        '  $ s3-share put-objects www ./site/* --dry-run --nl | jq -r .Key',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action((bucket: string, paths: string[], opts: PutObjectsOptions) =>
    runPutObjects(bucket, paths, opts, io),
  );
}
