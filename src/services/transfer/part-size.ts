/**
 * Multipart arithmetic shared by the upload path and the --checksum comparison: which part size a
 * file of a given size is uploaded with, and the ETag S3 gives the result. Both must agree, or a
 * checksum sync would re-upload every large file.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const MiB = 1024 * 1024;
/** Smaller parts mean more requests; 8 MiB is what aws-cli and s5cmd use. */
export const MIN_PART_SIZE = 8 * MiB;
/** S3's own floor for every part but the last. */
export const S3_MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;

/**
 * The part size for a file of `size` bytes: at least `minimum` (default 8 MiB), grown in whole MiB
 * until the file fits in 10,000 parts. A file no larger than one part is sent with one PutObject.
 */
export function choosePartSize(size: number | undefined, minimum: number = MIN_PART_SIZE): number {
  const floor = Math.max(minimum, S3_MIN_PART_SIZE);
  if (size === undefined) return floor;
  const needed = Math.ceil(size / MAX_PARTS);
  const partSize = Math.max(floor, Math.ceil(needed / MiB) * MiB);
  if (partSize > MAX_PART_SIZE) throw new RangeError(`${size} bytes exceeds the 10,000 parts of 5 GiB S3 allows in one object`);
  return partSize;
}

/** Whether a file of this size goes up in one PutObject (its ETag is then the MD5 of the body). */
export function isSinglePart(size: number, partSize: number): boolean {
  return size <= partSize;
}

/** The ETag S3 gives an object uploaded from these part digests (MD5 of each part, in order). */
export function etagFromPartDigests(digests: Buffer[]): string {
  if (digests.length === 1) return digests[0].toString('hex');
  const whole = createHash('md5');
  for (const d of digests) whole.update(d);
  return `${whole.digest('hex')}-${digests.length}`;
}

/**
 * The ETag S3 would give this file uploaded by uploadFile (plain MD5 when single-part,
 * md5(md5(part1)..md5(partN))-N otherwise). Reads the file once, one part at a time.
 */
export async function localEtag(path: string, size: number, partSize: number = choosePartSize(size)): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const digests: Buffer[] = [];
    const chunk = Buffer.allocUnsafe(Math.min(MiB, Math.max(size, 1)));
    let offset = 0;
    do {
      const partEnd = isSinglePart(size, partSize) ? size : Math.min(offset + partSize, size);
      const md5 = createHash('md5');
      while (offset < partEnd) {
        const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, partEnd - offset), offset);
        if (bytesRead === 0) throw new Error(`${path} shrank while being read`);
        md5.update(chunk.subarray(0, bytesRead));
        offset += bytesRead;
      }
      digests.push(md5.digest());
    } while (offset < size);
    return etagFromPartDigests(digests);
  } finally {
    await fh.close();
  }
}

/** An S3 ETag without its quotes; undefined when it is not an MD5-style ETag (SSE-KMS, SSE-C). */
export function normaliseEtag(etag: string | undefined): string | undefined {
  const bare = (etag ?? '').replace(/"/g, '').toLowerCase();
  return /^[0-9a-f]{32}(-\d+)?$/.test(bare) ? bare : undefined;
}
