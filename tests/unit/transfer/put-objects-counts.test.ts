// put-objects counts only objects that exist on S3 afterwards: a file whose multipart upload was
// aborted is neither a record on stdout nor bytes in the summary, though its parts were sent.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../support/run-cli';

const MiB = 1024 * 1024;
const s3 = mockClient(S3Client);

beforeEach(() => {
  s3.reset();
  s3.on(HeadBucketCommand).resolves({});
  s3.on(PutObjectCommand).resolves({ ETag: '"s"' });
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u' });
  s3.on(UploadPartCommand).resolves({ ETag: '"p"' });
  s3.on(AbortMultipartUploadCommand).resolves({});
});

it('a multipart upload refused at completion: not a record, not counted, exit 1', async () => {
  s3.on(CompleteMultipartUploadCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
  const root = mkdtempSync(join(tmpdir(), 's3share-put-counts-'));
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(20 * MiB, 1));
  writeFileSync(join(root, 'small.txt'), 'hello');
  const r = await runCli(['put-objects', 'bkt', join(root, 'big.bin'), join(root, 'small.txt'), '--nl']);
  expect(r.code).toBe(1);
  expect(s3.commandCalls(UploadPartCommand).length).toBeGreaterThan(0);
  expect(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).Key),
  ).toEqual(['small.txt']);
  expect(r.stderr).toMatch(/uploaded 1 of 2 file\(s\) \(5 B\)/);
  expect(r.stderr).toMatch(/error: .*big\.bin -> s3:\/\/bkt\/big\.bin: denied/);
});
