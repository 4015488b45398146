/**
 * Downloading objects to files, safely: a key becomes a path under the target directory only if
 * it cannot land outside it, and a file appears only once complete (written to a temporary file
 * in the same directory, then renamed or linked into place).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mapOrdered } from '../concurrency';

/**
 * Where a key goes under DIR. The decision table, checked in this order:
 *   ends in '/'                                  -> skip: a folder marker, not a file
 *   empty, or contains NUL                       -> refuse
 *   starts with '/' or '\', or a drive (C:)      -> refuse: absolute path
 *   a '..' segment (split on '/' and '\')        -> refuse: path traversal, even when it would
 *                                                   stay inside DIR (a/../b): the file would not
 *                                                   be where the key says, and two keys could collide
 *   resolves to DIR itself or outside it         -> refuse
 *   anything else ('.' and empty segments ok)    -> DIR/KEY, with '/' as the separator; a '\' is
 *                                                   kept as a character of the file name on POSIX
 */
export type KeyTarget = { kind: 'file'; path: string } | { kind: 'folder' } | { kind: 'refused'; reason: string };

export function keyTarget(dir: string, key: string): KeyTarget {
  if (key.endsWith('/')) return { kind: 'folder' };
  if (key === '' || key.includes('\0')) return { kind: 'refused', reason: 'not a usable file name' };
  if (/^[/\\]/.test(key) || /^[A-Za-z]:/.test(key)) return { kind: 'refused', reason: 'an absolute path (path traversal)' };
  const segments = key.split(/[/\\]/);
  if (segments.includes('..')) return { kind: 'refused', reason: "a '..' segment (path traversal)" };
  const root = path.resolve(dir);
  const target = path.resolve(root, ...key.split('/'));
  if (target === root || !target.startsWith(root + path.sep))
    return { kind: 'refused', reason: 'a path outside the directory (path traversal)' };
  return { kind: 'file', path: target };
}

export class FileExistsError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists`);
  }
}

export class TraversalError extends Error {}

export interface DownloadInput {
  bucket: string;
  key: string;
  /** Replace an existing file. */
  force?: boolean;
}

async function getBody(s3: S3Client, bucket: string, key: string): Promise<{ body: Readable; size?: number }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { body: out.Body as Readable, size: out.ContentLength };
}

/** Streams an object to a writable (stdout), bytes unchanged. */
export async function downloadToStream(s3: S3Client, bucket: string, key: string, out: Writable): Promise<void> {
  const { body } = await getBody(s3, bucket, key);
  await pipeline(body, out, { end: false });
}

/**
 * Streams an object to `file`: first to a temporary file beside it, then into place. Without
 * force, an existing file is refused (FileExistsError), also when it appears during the download:
 * the temporary file is hard-linked into place, which fails if the name exists. `root`, when
 * given, is the directory the file must stay inside even through symbolic links.
 */
export async function downloadToFile(s3: S3Client, input: DownloadInput, file: string, root?: string): Promise<number> {
  const dir = path.dirname(file);
  if (!input.force && (await exists(file))) throw new FileExistsError(file);
  await fs.mkdir(dir, { recursive: true });
  if (root) {
    // A directory that is a symbolic link (made before, or by an earlier key) must not lead out.
    const [realRoot, realDir] = await Promise.all([fs.realpath(root), fs.realpath(dir)]);
    if (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep)) {
      throw new TraversalError(`${dir} leads outside ${root} through a symbolic link (path traversal)`);
    }
  }
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.s3-share-part`);
  try {
    const { body } = await getBody(s3, input.bucket, input.key);
    const handle = await fs.open(temp, 'wx', 0o644);
    const bytes = await pipeline(body, handle.createWriteStream(), { end: true }).then(async () => (await fs.stat(temp)).size);
    if (input.force) {
      await fs.rename(temp, file);
    } else {
      try {
        await fs.link(temp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(file);
        throw err;
      }
    }
    return bytes;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

export type DownloadOutcome =
  | { Key: string; Status: 'downloaded'; Path: string; Size: number }
  | { Key: string; Status: 'skipped'; Reason: string }
  | { Key: string; Status: 'exists'; Path: string }
  | { Key: string; Status: 'refused' | 'failed'; Reason: string; Error?: unknown };

export interface DownloadManyInput {
  bucket: string;
  keys: AsyncIterable<string> | Iterable<string>;
  dir: string;
  concurrency: number;
  force?: boolean;
}

/**
 * Downloads each key to its path under dir, `concurrency` at a time, yielding one outcome per key
 * in key order. One key's failure (refused, missing, denied) never stops the others.
 */
export async function* downloadMany(s3: S3Client, input: DownloadManyInput): AsyncGenerator<DownloadOutcome> {
  const root = path.resolve(input.dir);
  yield* mapOrdered(input.keys, input.concurrency, async (Key): Promise<DownloadOutcome> => {
    const target = keyTarget(root, Key);
    if (target.kind === 'folder') return { Key, Status: 'skipped', Reason: 'a folder marker' };
    if (target.kind === 'refused') return { Key, Status: 'refused', Reason: target.reason };
    try {
      const Size = await downloadToFile(s3, { bucket: input.bucket, key: Key, force: input.force }, target.path, root);
      return { Key, Status: 'downloaded', Path: target.path, Size };
    } catch (err) {
      if (err instanceof TraversalError) return { Key, Status: 'refused', Reason: err.message };
      if (err instanceof FileExistsError) return { Key, Status: 'exists', Path: err.path };
      return { Key, Status: 'failed', Reason: (err as Error)?.message ?? String(err), Error: err };
    }
  });
}
