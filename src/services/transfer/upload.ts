/**
 * THE upload path of s3-share: one file or stream to one key. Small bodies go up in one PutObject,
 * larger ones as a multipart upload read one part at a time (memory: queueSize x partSize at most,
 * and never more than the shared BufferBudget). Every request carries a CRC32 of its body that S3
 * verifies, and the checksum S3 reports back is compared with ours. On abort (or any failure) the
 * in-flight parts are cancelled, then the multipart upload is aborted, so no invisible parts are
 * left behind; uploadFile settles only after that cleanup.
 */
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createBufferBudget, type BufferBudget } from './buffer-budget';
import { choosePartSize, isSinglePart } from './part-size';

export interface UploadFileInput {
  bucket: string;
  key: string;
  /** A file path, or a stream (read once, in order). */
  source: string | Readable;
  /** Bytes in the source: stat'ed for a path when omitted; for a stream it sizes the parts. */
  size?: number;
  /** Default application/octet-stream. */
  contentType?: string;
  /** Aborting cancels the upload and removes its parts; uploadFile then rejects with UploadAbortedError. */
  signal?: AbortSignal;
  /** Called with the number of bytes each finished request carried. */
  onProgress?: (bytes: number) => void;
  /** Default choosePartSize(size): at least 8 MiB, under 10,000 parts. */
  partSize?: number;
  /** Parts of this upload in flight at once (default 4). */
  queueSize?: number;
  /** Shared across uploads to cap their memory together (default: queueSize x partSize for this one). */
  budget?: BufferBudget;
}

export interface UploadResult {
  bucket: string;
  key: string;
  size: number;
  /** Without quotes. */
  etag: string;
  /** 1 for a single PutObject. */
  parts: number;
}

export class UploadAbortedError extends Error {
  override readonly name = 'AbortError';
}

/** The body S3 received does not match what was read (S3 reported another checksum). */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

const DEFAULT_QUEUE_SIZE = 4;
/** Files up to this size are read whole, outside the buffer budget (they are small next to it). */
const SMALL_FILE = 256 * 1024;

function readSmallFile(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => readFile(path, (err, data) => (err ? reject(err) : resolve(data))));
}

/** Reads a source sequentially into caller-supplied buffers. */
interface PartReader {
  /** Fills buf as far as the source allows; returns the bytes read (less than buf.length only at the end). */
  fill(buf: Buffer): Promise<number>;
  close(): Promise<void>;
}

function fileReader(fh: FileHandle): PartReader {
  let position = 0;
  return {
    async fill(buf) {
      let n = 0;
      while (n < buf.length) {
        const { bytesRead } = await fh.read(buf, n, buf.length - n, position);
        if (bytesRead === 0) break;
        n += bytesRead;
        position += bytesRead;
      }
      return n;
    },
    close: () => fh.close(),
  };
}

function streamReader(stream: Readable): PartReader {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let leftover: Buffer = Buffer.alloc(0);
  let ended = false;
  return {
    async fill(buf) {
      let n = 0;
      while (n < buf.length) {
        if (!leftover.length) {
          if (ended) break;
          const next = await chunks.next();
          if (next.done) {
            ended = true;
            break;
          }
          leftover = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        }
        const copied = leftover.copy(buf, n, 0, Math.min(leftover.length, buf.length - n));
        leftover = leftover.subarray(copied);
        n += copied;
      }
      return n;
    },
    close: async () => {
      if (!ended) stream.destroy();
    },
  };
}

function crc32Base64(data: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}

function checkEcho(sent: string, echoed: string | undefined, what: string): void {
  // S3 verifies the header itself and answers BadDigest; comparing the echo also catches a server
  // (or proxy) that stored something else without checking.
  if (echoed !== undefined && echoed !== sent) {
    throw new IntegrityError(`${what}: S3 reports CRC32 ${echoed} but ${sent} was sent`);
  }
}

const bareEtag = (etag: string | undefined) => (etag ?? '').replace(/"/g, '');

/** Uploads one file or stream to s3://bucket/key. See the module comment for the guarantees. */
export async function uploadFile(s3: S3Client, input: UploadFileInput): Promise<UploadResult> {
  const { key, signal } = input;
  if (signal?.aborted) throw new UploadAbortedError(`upload of ${key} aborted`);
  const isPath = typeof input.source === 'string';
  const size = input.size ?? (isPath ? (await stat(input.source as string)).size : undefined);
  const partSize = input.partSize ?? choosePartSize(size);
  const queueSize = Math.max(1, input.queueSize ?? DEFAULT_QUEUE_SIZE);
  const budget = input.budget ?? createBufferBudget(queueSize * partSize);
  if (isPath && size !== undefined && size <= SMALL_FILE && isSinglePart(size, partSize)) {
    // The common case of many small files: one read, no file handle object to open and close.
    const body = await readSmallFile(input.source as string);
    if (body.length !== size) throw new Error(`${key}: the file changed size while being read`);
    return putSingle(s3, input, body);
  }
  const reader = isPath ? fileReader(await open(input.source as string, 'r')) : streamReader(input.source as Readable);
  try {
    // A known size decides single vs multipart up front (as localEtag assumes); an unknown one is
    // decided by whether the first part fills.
    const firstSize = size !== undefined && isSinglePart(size, partSize) ? size : partSize;
    const first = await budget.acquire(firstSize);
    let firstLength: number;
    try {
      firstLength = await reader.fill(first);
    } catch (err) {
      budget.release(first);
      throw err;
    }
    if (size !== undefined ? isSinglePart(size, partSize) : firstLength < partSize) {
      try {
        if (size !== undefined && firstLength !== size) throw new Error(`${key}: the file changed size while being read`);
        return await putSingle(s3, input, first.subarray(0, firstLength));
      } finally {
        budget.release(first);
      }
    }
    return await putMultipart(s3, input, { reader, partSize, queueSize, budget, size, first, firstLength });
  } finally {
    await reader.close().catch(() => undefined);
  }
}

async function putSingle(s3: S3Client, input: UploadFileInput, body: Buffer): Promise<UploadResult> {
  const checksum = crc32Base64(body);
  try {
    const out = await s3.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        Body: body,
        ContentLength: body.length,
        ContentType: input.contentType ?? 'application/octet-stream',
        ChecksumAlgorithm: 'CRC32',
        ChecksumCRC32: checksum,
      }),
      { abortSignal: input.signal },
    );
    checkEcho(checksum, out.ChecksumCRC32, input.key);
    input.onProgress?.(body.length);
    return { bucket: input.bucket, key: input.key, size: body.length, etag: bareEtag(out.ETag), parts: 1 };
  } catch (err) {
    if (input.signal?.aborted) throw new UploadAbortedError(`upload of ${input.key} aborted`);
    throw err;
  }
}

interface MultipartState {
  reader: PartReader;
  partSize: number;
  queueSize: number;
  budget: BufferBudget;
  size: number | undefined;
  /** The first part, already read (it told us the body is larger than one part). */
  first: Buffer;
  firstLength: number;
}

async function putMultipart(s3: S3Client, input: UploadFileInput, state: MultipartState): Promise<UploadResult> {
  const { bucket, key } = input;
  const { reader, partSize, budget } = state;
  let pendingFirst: Buffer | undefined = state.first;
  let created: { UploadId?: string };
  try {
    // Not cancellable on purpose: an abandoned CreateMultipartUpload could leave an upload whose
    // id we never learn. It is short; the abort is honoured right after it.
    created = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ContentType: input.contentType ?? 'application/octet-stream',
        ChecksumAlgorithm: 'CRC32',
      }),
    );
  } catch (err) {
    budget.release(state.first);
    throw err;
  }
  const uploadId = created.UploadId;
  if (!uploadId) {
    budget.release(state.first);
    throw new Error(`S3 returned no UploadId for ${key}`);
  }

  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  const onAbort = () => cancel.abort();
  input.signal?.addEventListener('abort', onAbort, { once: true });
  const parts: CompletedPart[] = [];
  let failure: unknown;
  let nextNumber = 1;
  let ended = false;
  let bytes = 0;

  // Reads are serialised (a stream has one position); sends run queueSize at a time.
  let readChain: Promise<unknown> = Promise.resolve();
  const nextPart = (): Promise<{ number: number; buffer: Buffer; length: number } | undefined> => {
    const p = readChain.then(async () => {
      if (pendingFirst) {
        const buffer = pendingFirst;
        pendingFirst = undefined;
        if (state.firstLength < partSize) ended = true;
        return { number: nextNumber++, buffer, length: state.firstLength };
      }
      if (ended || cancel.signal.aborted) return undefined;
      const buffer = await budget.acquire(partSize);
      let length: number;
      try {
        length = await reader.fill(buffer);
      } catch (err) {
        budget.release(buffer);
        throw err;
      }
      if (length < partSize) ended = true;
      if (length === 0) {
        budget.release(buffer);
        return undefined;
      }
      return { number: nextNumber++, buffer, length };
    });
    readChain = p.catch(() => undefined);
    return p;
  };

  const worker = async () => {
    while (!cancel.signal.aborted) {
      const part = await nextPart();
      if (!part) return;
      try {
        const body = part.buffer.subarray(0, part.length);
        const checksum = crc32Base64(body);
        const out = await s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: part.number,
            Body: body,
            ContentLength: part.length,
            ChecksumAlgorithm: 'CRC32',
            ChecksumCRC32: checksum,
          }),
          { abortSignal: cancel.signal },
        );
        checkEcho(checksum, out.ChecksumCRC32, `${key} part ${part.number}`);
        parts.push({ PartNumber: part.number, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 ?? checksum });
        bytes += part.length;
        input.onProgress?.(part.length);
      } finally {
        budget.release(part.buffer);
      }
    }
  };

  await Promise.all(
    Array.from({ length: state.queueSize }, () =>
      worker().catch((err) => {
        failure ??= err;
        cancel.abort();
      }),
    ),
  );
  input.signal?.removeEventListener('abort', onAbort);
  if (pendingFirst) budget.release(pendingFirst);

  const abortUpload = async (reason: unknown): Promise<never> => {
    // After every in-flight part has settled, so no part lands after the abort.
    try {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch (abortErr) {
      if (reason instanceof Error && reason.cause === undefined) reason.cause = abortErr;
    }
    throw reason;
  };
  if (input.signal?.aborted) return abortUpload(new UploadAbortedError(`upload of ${key} aborted`));
  if (failure !== undefined) return abortUpload(failure);
  if (state.size !== undefined && bytes !== state.size) {
    return abortUpload(new Error(`${key}: the file changed size while being read (${state.size} bytes expected, ${bytes} read)`));
  }
  parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  try {
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
    );
    return { bucket, key, size: bytes, etag: bareEtag(done.ETag), parts: parts.length };
  } catch (err) {
    return abortUpload(err);
  }
}
