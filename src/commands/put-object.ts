/**
 * `s3-share put-object BUCKET KEY PATH|-`: upload one file, or stdin, through uploadFile (one
 * PutObject up to 8 MiB, a streamed multipart upload above; stdin is never buffered whole).
 */
import { setMaxListeners } from 'node:events';
import { createReadStream, fstatSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { isAwsError } from '../aws/errors';
import { InterruptedError, OperationError, UsageError } from '../errors';
import { createProgress } from '../output/progress';
import { formatObject } from '../output/records';
import { validateBucketName } from '../policies/bucket-names';
import { validateDestinationKey } from '../policies/prefix';
import { contentTypeFor } from '../services/transfer/content-type';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { SIGNAL_EXIT_CODES, type CliIo } from '../io';

export interface PutObjectOptions extends AwsOptions {
  contentType?: string;
  nl?: boolean;
  silent?: boolean;
}

/**
 * The Content-Type an upload gets without --content-type: from the key's extension (the name the
 * object is served under), else from the local file's, else application/octet-stream.
 */
export function guessContentType(key: string, path?: string): string {
  const byKey = contentTypeFor(key);
  return byKey === 'application/octet-stream' && path ? contentTypeFor(path) : byKey;
}

/** What PATH names: a regular file (uploaded by path), or something to stream (stdin, a pipe). */
type Source = { kind: 'file'; path: string; size: number } | { kind: 'stream'; open: () => Readable; size?: number; name: string };

async function sourceFor(arg: string, io: CliIo): Promise<Source> {
  if (arg === '-') {
    // `< file` makes stdin a regular file: its size gives the progress line a total.
    const fd = (io.stdin as Partial<{ fd: number }>).fd;
    let size: number | undefined;
    try {
      if (typeof fd === 'number') {
        const info = fstatSync(fd);
        if (info.isFile()) size = info.size;
      }
    } catch {
      size = undefined;
    }
    return { kind: 'stream', open: () => io.stdin, size, name: 'stdin' };
  }
  let info;
  try {
    info = await stat(arg);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    throw new UsageError(`local file ${arg} ${what}: check the path and its permissions, or give '-' to upload stdin`);
  }
  if (info.isDirectory())
    throw new UsageError(`${arg} is a folder: put-object uploads one file; use 's3-share put-objects BUCKET ${arg}' for a folder`);
  if (info.isFile()) return { kind: 'file', path: arg, size: info.size };
  // A named pipe or process substitution (<(command)): read it as a stream of unknown length.
  return { kind: 'stream', open: () => createReadStream(arg), name: arg };
}

export async function runPutObject(bucket: string, key: string, pathArg: string, opts: PutObjectOptions, io: CliIo): Promise<void> {
  validateBucketName(bucket);
  validateDestinationKey(key);
  if (opts.contentType !== undefined && !/^[^\s/]+\/[^\s/]+/.test(opts.contentType)) {
    throw new UsageError(`--content-type ${opts.contentType} is not a media type: give one such as text/plain or application/zip`);
  }
  const source = await sourceFor(pathArg, io);
  const contentType: string = opts.contentType ?? guessContentType(key, source.kind === 'file' ? source.path : undefined);
  const reporter = reporterFor(opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, upload] = await Promise.all([import('../aws/clients'), import('../services/transfer/upload')]);
  const s3 = await createS3Client(ctx);

  // From here a signal aborts the upload (and its multipart upload on S3) before exiting.
  io.interrupts.handle();
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const body = source.kind === 'file' ? source.path : source.open();
  const onAbort = () => {
    stop.abort(io.interrupts.signal.reason);
    // A read waiting on stdin would otherwise wait for the writer: end it so the abort proceeds.
    if (typeof body !== 'string') body.destroy();
  };
  if (io.interrupts.signal.aborted) onAbort();
  else io.interrupts.signal.addEventListener('abort', onAbort, { once: true });
  if (source.kind === 'stream' && source.name === 'stdin' && io.stdinIsTTY)
    reporter.info('reading stdin from the terminal: end it with Ctrl-D');

  const size = source.size;
  const progress = io.stderrIsTTY && !opts.silent && size !== undefined ? createProgress(io.stderr) : undefined;
  progress?.setTotals(1, size ?? 0);
  let result;
  try {
    result = await upload.uploadFile(s3, {
      bucket,
      key,
      source: body,
      size: source.kind === 'file' ? source.size : undefined,
      contentType,
      signal: stop.signal,
      onProgress: (n) => progress?.bytes(n),
    });
    progress?.fileDone();
  } catch (err) {
    if (stop.signal.aborted || err instanceof upload.UploadAbortedError) {
      throw new InterruptedError(
        `interrupted: the upload to s3://${bucket}/${key} was stopped and its multipart upload aborted: run the same command again`,
        SIGNAL_EXIT_CODES[io.interrupts.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'],
      );
    }
    if (isAwsError(err)) throw err;
    if (err instanceof upload.IntegrityError)
      throw new OperationError(`${err.message}: the upload did not arrive intact; run the same command again`);
    const e = err as NodeJS.ErrnoException;
    if (e?.code && e.syscall)
      throw new OperationError(
        `cannot read ${source.kind === 'file' ? source.path : source.name} (${e.code}): check the file and its permissions`,
      );
    // uploadFile's own plain errors, such as "the file changed size while being read".
    if (err instanceof Error && err.name === 'Error')
      throw new OperationError(`${err.message}: nothing was stored; run the same command again`);
    throw err;
  } finally {
    progress?.stop();
    io.interrupts.signal.removeEventListener('abort', onAbort);
    s3.destroy();
  }
  const shown = source.kind === 'file' ? source.path : source.name;
  reporter.info(
    `uploaded ${shown} to s3://${bucket}/${key} (${result.size} bytes${result.parts > 1 ? ` in ${result.parts} parts` : ''}, ${contentType})`,
  );
  io.stdout.write(formatObject({ Bucket: bucket, Key: key, Size: result.size, ETag: `"${result.etag}"` }, opts.nl));
}

export function registerPutObject(program: Command, io: CliIo): void {
  const cmd = program
    .command('put-object')
    .description("Upload one file, or stdin ('-'), to one key (streamed: multipart above 8 MiB)")
    .argument('<bucket>', 'the bucket')
    .argument('<key>', 'the object key to write')
    .argument('<path>', "the file to upload, or '-' for stdin")
    .option(
      '--content-type <type>',
      "the object's Content-Type (default: from the key's or the file's extension, else application/octet-stream)",
    )
    .option('--nl', 'print the JSON on one line')
    .addHelpText(
      'after',
      [
        '',
        'Prints {"Bucket","Key","Size","ETag"} on stdout. Files larger than 8 MiB, and stdin of any',
        'length, go up as a multipart upload read one 8 MiB part at a time (stdin is never held',
        'whole); every request carries a CRC32 that S3 checks. Ctrl-C aborts the multipart upload,',
        'so no hidden parts are left behind. A progress line is shown when stderr is a terminal.',
        '',
        'Examples:',
        '  $ s3-share put-object photos alice/cat.jpg ./cat.jpg --auth alice.json',
        '  $ pg_dump shop | gzip | s3-share put-object backups shop/2024-06-01.sql.gz -',
        "  $ echo '<h1>hi</h1>' | s3-share put-object www index.html - --content-type 'text/html; charset=utf-8'",
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(cmd)).action((bucket: string, key: string, pathArg: string, opts: PutObjectOptions) =>
    runPutObject(bucket, key, pathArg, opts, io),
  );
}
