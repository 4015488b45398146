import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createBufferBudget } from '../../../src/services/transfer/buffer-budget';
import { choosePartSize, etagFromPartDigests, localEtag, MAX_PARTS } from '../../../src/services/transfer/part-size';
import { uploadFile, UploadAbortedError } from '../../../src/services/transfer/upload';
import { roleCredentialsProvider, REFRESH_MARGIN_MS } from '../../../src/services/credentials/role-session';
import { runSync, type SyncEvent } from '../../../src/services/sync/sync';
import { sizeAndMtime } from '../../../src/services/sync/strategy';
import { compileFilters } from '../../../src/services/sync/filters';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const dir = () => mkdtempSync(join(tmpdir(), 'transfer-'));

describe('part size', () => {
  test.each([
    [0, 8 * MiB],
    [20 * MiB, 8 * MiB],
    [80 * GiB, 9 * MiB],
    [4 * GiB, 8 * MiB],
    [500 * GiB, 52 * MiB],
    [5 * 1024 * GiB, 525 * MiB],
  ])('%d bytes -> %d per part, under 10,000 parts', (size, expected) => {
    const part = choosePartSize(size);
    expect(part).toBe(expected);
    expect(Math.ceil(size / part)).toBeLessThanOrEqual(MAX_PARTS);
  });
  test('never below S3 minimum; beyond 10,000 x 5 GiB is refused', () => {
    expect(choosePartSize(10, 1)).toBe(5 * MiB);
    expect(() => choosePartSize(10_001 * 5 * GiB)).toThrow(RangeError);
  });
});

describe('ETags', () => {
  test('multipart ETag of 20 MiB of 0x07 in 8 MiB parts matches what S3 (moto) returned', async () => {
    const path = join(dir(), 'f');
    writeFileSync(path, Buffer.alloc(20 * MiB, 7));
    expect(await localEtag(path, 20 * MiB)).toBe('e56c27dea2370bdb6a99235c3ab4fa61-3');
  });
  test('single part is the plain MD5, the empty file included', async () => {
    const d = dir();
    writeFileSync(join(d, 'e'), '');
    writeFileSync(join(d, 'h'), 'hello');
    expect(await localEtag(join(d, 'e'), 0)).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(await localEtag(join(d, 'h'), 5)).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(etagFromPartDigests([Buffer.from('5d41402abc4b2a76b9719d911017c592', 'hex')])).toBe('5d41402abc4b2a76b9719d911017c592');
  });
});

describe('buffer budget', () => {
  test('waits until bytes are released, first come first served', async () => {
    const b = createBufferBudget(10);
    const one = await b.acquire(6);
    let granted = false;
    const two = b.acquire(6).then((buf) => ((granted = true), buf));
    await new Promise((r) => setImmediate(r));
    expect(granted).toBe(false);
    b.release(one);
    expect((await two).length).toBe(6);
    expect(b.used).toBe(6);
  });
});

describe('uploadFile', () => {
  const s3mock = mockClient(S3Client);
  const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  beforeEach(() => s3mock.reset());

  test('a small file is one PutObject with a CRC32 and a content type', async () => {
    const path = join(dir(), 'a.txt');
    writeFileSync(path, 'hello');
    s3mock.on(PutObjectCommand).resolves({ ETag: '"5d41402abc4b2a76b9719d911017c592"' });
    const r = await uploadFile(s3, { bucket: 'bkt', key: 'k', source: path, contentType: 'text/plain' });
    expect(r).toEqual({ bucket: 'bkt', key: 'k', size: 5, etag: '5d41402abc4b2a76b9719d911017c592', parts: 1 });
    const input = s3mock.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input).toMatchObject({ ChecksumAlgorithm: 'CRC32', ChecksumCRC32: 'NhCmhg==', ContentType: 'text/plain', ContentLength: 5 });
  });

  test('a CRC32 echoed back that differs fails the upload', async () => {
    const path = join(dir(), 'a');
    writeFileSync(path, 'hello');
    s3mock.on(PutObjectCommand).resolves({ ETag: '"x"', ChecksumCRC32: 'AAAAAA==' });
    await expect(uploadFile(s3, { bucket: 'bkt', key: 'k', source: path })).rejects.toThrow(/CRC32/);
  });

  test('a larger stream goes up in parts, completed in order, with bounded memory', async () => {
    s3mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3mock.on(UploadPartCommand).callsFake(async (input) => ({ ETag: `"e${input.PartNumber}"` }));
    s3mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"done-3"' });
    const body = Readable.from([Buffer.alloc(5 * MiB, 1), Buffer.alloc(5 * MiB, 2), Buffer.alloc(1, 3)]);
    const budget = createBufferBudget(10 * MiB);
    const r = await uploadFile(s3, { bucket: 'bkt', key: 'k', source: body, partSize: 5 * MiB, queueSize: 4, budget });
    expect(r).toMatchObject({ parts: 3, size: 10 * MiB + 1, etag: 'done-3' });
    const parts = s3mock.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input.MultipartUpload?.Parts;
    expect(parts?.map((p) => p.PartNumber)).toEqual([1, 2, 3]);
    expect(budget.used).toBe(0);
  });

  test('aborting mid-upload cancels parts, then aborts the multipart upload, then rejects', async () => {
    const path = join(dir(), 'big');
    writeFileSync(path, Buffer.alloc(30 * MiB, 1));
    const controller = new AbortController();
    const order: string[] = [];
    s3mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u2' });
    s3mock.on(UploadPartCommand).callsFake(async (input) => {
      if (input.PartNumber === 2) controller.abort();
      await new Promise((r) => setTimeout(r, 20));
      order.push(`part ${input.PartNumber}`);
      return { ETag: '"p"' };
    });
    s3mock.on(AbortMultipartUploadCommand).callsFake(async () => void order.push('abort'));
    await expect(
      uploadFile(s3, { bucket: 'bkt', key: 'k', source: path, partSize: 5 * MiB, queueSize: 2, signal: controller.signal }),
    ).rejects.toBeInstanceOf(UploadAbortedError);
    expect(order[order.length - 1]).toBe('abort');
    expect(s3mock.commandCalls(AbortMultipartUploadCommand)[0].args[0].input).toEqual({ Bucket: 'bkt', Key: 'k', UploadId: 'u2' });
    expect(s3mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3mock.commandCalls(UploadPartCommand).length).toBeLessThan(6);
  });

  test('a failing part aborts the multipart upload and rethrows the part error', async () => {
    const path = join(dir(), 'big');
    writeFileSync(path, Buffer.alloc(11 * MiB, 1));
    s3mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u3' });
    s3mock.on(UploadPartCommand).rejects(Object.assign(new Error('nope'), { name: 'AccessDenied' }));
    await expect(uploadFile(s3, { bucket: 'bkt', key: 'k', source: path, partSize: 5 * MiB })).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    expect(s3mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });
});

describe('roleCredentialsProvider', () => {
  test('assumes once, reuses, and re-assumes within 5 minutes of expiry', async () => {
    const sts = mockClient(STSClient);
    let now = Date.parse('2026-01-01T00:00:00Z');
    let n = 0;
    sts.on(AssumeRoleCommand).callsFake(async () => ({
      Credentials: { AccessKeyId: `AK${++n}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 15 * 60_000) },
    }));
    const client = new STSClient({ region: 'us-east-1' });
    const provider = roleCredentialsProvider(
      client,
      { roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 'sess', durationSeconds: 900, externalId: 'ext' },
      () => now,
    );
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe('AK1');
    expect(b.accessKeyId).toBe('AK1');
    now += 15 * 60_000 - REFRESH_MARGIN_MS - 1000; // still 5 min + 1 s left
    expect((await provider()).accessKeyId).toBe('AK1');
    now += 2000;
    expect((await provider()).accessKeyId).toBe('AK2');
    expect(provider.assumptions).toBe(2);
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::123456789012:role/r',
      RoleSessionName: 'sess',
      DurationSeconds: 900,
      ExternalId: 'ext',
    });
    sts.restore();
  });
});

describe('runSync --dry-run', () => {
  test('lists what would change and sends no write', async () => {
    const s3mock = mockClient(S3Client);
    const root = dir();
    writeFileSync(join(root, 'new.txt'), 'new');
    writeFileSync(join(root, 'same.txt'), 'same');
    const old = new Date('2020-01-01T00:00:00Z');
    s3mock.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'dest/same.txt', Size: 4, LastModified: new Date(Date.now() + 60_000), ETag: '"x"' },
        { Key: 'dest/gone.txt', Size: 1, LastModified: old },
      ],
    });
    const events: SyncEvent[] = [];
    const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const summary = await runSync(
      s3,
      {
        root,
        dest: { bucket: 'bkt', prefix: 'dest/' },
        strategy: sizeAndMtime,
        filters: compileFilters([]),
        delete: true,
        dryRun: true,
        followSymlinks: true,
        concurrency: 4,
      },
      { event: (e) => events.push(e) },
    );
    expect(events).toEqual([
      { event: 'skipped', key: 'dest/same.txt', size: 4 },
      { event: 'would-upload', key: 'dest/new.txt', size: 3, reason: 'new' },
      { event: 'would-delete', key: 'dest/gone.txt', size: 1 },
    ]);
    expect(summary).toMatchObject({ uploaded: 0, deleted: 0, failed: 0 });
    const sent = s3mock.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(sent).toEqual(['ListObjectsV2Command']);
    expect(s3mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3mock.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
    expect(s3mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    s3mock.restore();
  });
});
