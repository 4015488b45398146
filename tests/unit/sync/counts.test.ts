// A sync summary counts only what exists on S3 afterwards: the bytes of a multipart upload that
// was aborted (a failure, or an interruption) were sent but are not uploaded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { sizeAndMtime } from '../../../src/services/sync/strategy';
import { runSync, type SyncEvent } from '../../../src/services/sync/sync';

const MiB = 1024 * 1024;
const s3mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

function folder(): string {
  const root = mkdtempSync(join(tmpdir(), 's3share-counts-'));
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(20 * MiB, 1)); // multipart: 8 MiB parts
  writeFileSync(join(root, 'small.txt'), 'hello');
  return root;
}

async function sync(signal?: AbortSignal) {
  const events: SyncEvent[] = [];
  let progressed = 0;
  const summary = await runSync(
    s3,
    {
      root: folder(),
      dest: { bucket: 'bkt', prefix: 'p/' },
      strategy: sizeAndMtime,
      filters: [],
      delete: false,
      dryRun: false,
      followSymlinks: true,
      concurrency: 2,
      signal,
    },
    { event: (e) => events.push(e), progress: (n) => (progressed += n) },
  );
  return { summary, events, progressed };
}

beforeEach(() => {
  s3mock.reset();
  s3mock.on(ListObjectsV2Command).resolves({ Contents: [] });
  s3mock.on(PutObjectCommand).resolves({ ETag: '"s"' });
  s3mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u' });
  s3mock.on(AbortMultipartUploadCommand).resolves({});
});

describe('sync summary counts', () => {
  it('a multipart upload that fails at completion: its parts are not counted as uploaded bytes', async () => {
    s3mock.on(UploadPartCommand).resolves({ ETag: '"p"' });
    s3mock.on(CompleteMultipartUploadCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const { summary, events, progressed } = await sync();
    expect(progressed).toBeGreaterThanOrEqual(20 * MiB); // the parts did go over the wire
    expect(summary).toMatchObject({ uploaded: 1, failed: 1, bytes: 5, aborted: false });
    expect(events.filter((e) => e.event === 'uploaded')).toEqual([{ event: 'uploaded', key: 'p/small.txt', size: 5 }]);
    expect(events.filter((e) => e.event === 'failed').map((e) => e.key)).toEqual(['p/big.bin']);
  });

  it('an interrupted multipart upload: the parts sent before the interruption are not counted', async () => {
    const controller = new AbortController();
    s3mock.on(UploadPartCommand).callsFake(async (input) => {
      if (input.PartNumber === 2) controller.abort();
      await new Promise((r) => setTimeout(r, 10));
      return { ETag: '"p"' };
    });
    s3mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"done"' });
    const { summary, progressed } = await sync(controller.signal);
    expect(s3mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(progressed).toBeGreaterThan(5);
    expect(summary.aborted).toBe(true);
    expect(summary.bytes).toBe(summary.uploaded === 1 ? 5 : 0);
    expect(summary.failed).toBe(0);
  });

  it('a complete run counts every byte of every object', async () => {
    s3mock.on(UploadPartCommand).resolves({ ETag: '"p"' });
    s3mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"done"' });
    const { summary } = await sync();
    expect(summary).toMatchObject({ uploaded: 2, failed: 0, bytes: 20 * MiB + 5 });
  });
});
