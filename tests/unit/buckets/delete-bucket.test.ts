import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describeCount, emptyAndDeleteBucket, inspectBucket } from '../../../src/services/buckets/delete';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });
const objects = (keys: string[]) => keys.map((Key) => ({ Key, Size: 1 }));

beforeEach(() => s3Mock.reset());

/** An unversioned bucket holding `keys`, listed two per page. */
function bucketWith(keys: string[]) {
  s3Mock.on(GetBucketVersioningCommand).resolves({});
  s3Mock.on(ListObjectsV2Command, { MaxKeys: 1000 }).resolves({ Contents: objects(keys), KeyCount: keys.length });
  s3Mock
    .on(ListObjectsV2Command, { ContinuationToken: undefined, MaxKeys: undefined })
    .resolves({ Contents: objects(keys.slice(0, 2)), IsTruncated: keys.length > 2, NextContinuationToken: 't2' })
    .on(ListObjectsV2Command, { ContinuationToken: 't2' })
    .resolves({ Contents: objects(keys.slice(2)), IsTruncated: false });
  s3Mock.on(DeleteObjectsCommand).resolves({});
  s3Mock.on(DeleteBucketCommand).resolves({});
}

describe('inspectBucket', () => {
  it('counts current objects on an unversioned bucket, from one page', async () => {
    s3Mock.on(GetBucketVersioningCommand).resolves({});
    s3Mock.on(ListObjectsV2Command).resolves({ KeyCount: 1000, IsTruncated: true });
    const contents = await inspectBucket(s3, 'b');
    expect(contents).toEqual({ versioned: false, count: 1000, more: true });
    expect(describeCount(contents)).toBe('1,000 or more object(s)');
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(1);
  });

  it('counts versions and delete markers once versioning is or was on', async () => {
    for (const Status of ['Enabled', 'Suspended'] as const) {
      s3Mock.reset();
      s3Mock.on(GetBucketVersioningCommand).resolves({ Status });
      s3Mock
        .on(ListObjectVersionsCommand)
        .resolves({ Versions: [{ Key: 'a', VersionId: '1' }], DeleteMarkers: [{ Key: 'a', VersionId: '2' }] });
      const contents = await inspectBucket(s3, 'b');
      expect(contents).toEqual({ versioned: true, count: 2, more: false });
      expect(describeCount(contents)).toBe('2 object version(s) or delete marker(s)');
    }
  });
});

describe('emptyAndDeleteBucket', () => {
  it('deletes every listed object in batches, then the bucket', async () => {
    bucketWith(['a', 'b', 'c']);
    const out = await emptyAndDeleteBucket(s3, 'b', { versioned: false, count: 3, more: false });
    expect(out).toEqual({ deleted: 3 });
    const deleted = s3Mock.commandCalls(DeleteObjectsCommand).flatMap((c) => c.args[0].input.Delete?.Objects?.map((o) => o.Key));
    expect(deleted).toEqual(['a', 'b', 'c']);
    const order = s3Mock.calls().map((c) => c.args[0].constructor.name);
    expect(order.lastIndexOf('DeleteObjectsCommand')).toBeLessThan(order.indexOf('DeleteBucketCommand'));
  });

  it('a bucket with a single object: that object is deleted too', async () => {
    bucketWith(['only']);
    await expect(emptyAndDeleteBucket(s3, 'b', { versioned: false, count: 1, more: false })).resolves.toEqual({ deleted: 1 });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)[0]?.args[0].input.Delete?.Objects).toEqual([{ Key: 'only' }]);
  });

  it('an empty bucket: DeleteBucket only', async () => {
    bucketWith([]);
    await emptyAndDeleteBucket(s3, 'b', { versioned: false, count: 0, more: false });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(1);
  });

  it('keeps the bucket when S3 refuses an object', async () => {
    bucketWith(['a', 'b']);
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'b', Code: 'AccessDenied', Message: 'no' }] });
    await expect(emptyAndDeleteBucket(s3, 'b', { versioned: false, count: 2, more: false })).rejects.toThrow(
      /^1 object\(s\) in b not deleted \(first: b: AccessDenied\), so the bucket was kept/,
    );
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });

  it('on a versioned bucket deletes every version and delete marker, across pages, then the bucket', async () => {
    s3Mock
      .on(ListObjectVersionsCommand, { KeyMarker: undefined, VersionIdMarker: undefined })
      .resolves({
        Versions: [
          { Key: 'a', VersionId: 'a1' },
          { Key: 'a', VersionId: 'a2' },
        ],
        DeleteMarkers: [{ Key: 'b', VersionId: 'b1' }],
        IsTruncated: true,
        NextKeyMarker: 'b',
        NextVersionIdMarker: 'b1',
      })
      .on(ListObjectVersionsCommand, { KeyMarker: 'b', VersionIdMarker: 'b1' })
      .resolves({ Versions: [{ Key: 'c', VersionId: 'c1' }], IsTruncated: false });
    s3Mock.on(DeleteObjectsCommand).resolves({});
    s3Mock.on(DeleteBucketCommand).resolves({});
    const out = await emptyAndDeleteBucket(s3, 'b', { versioned: true, count: 3, more: true });
    expect(out).toEqual({ deleted: 4 });
    const sent = s3Mock.commandCalls(DeleteObjectsCommand).flatMap((c) => c.args[0].input.Delete!.Objects!);
    expect(sent).toEqual([
      { Key: 'a', VersionId: 'a1' },
      { Key: 'a', VersionId: 'a2' },
      { Key: 'b', VersionId: 'b1' },
      { Key: 'c', VersionId: 'c1' },
    ]);
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(0);
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(1);
  });

  it('a version S3 refuses keeps the bucket, and only that version counts as failed', async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: 'a', VersionId: 'a1' },
        { Key: 'a', VersionId: 'a2' },
      ],
    });
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'a', VersionId: 'a2', Code: 'AccessDenied', Message: 'no' }] });
    await expect(emptyAndDeleteBucket(s3, 'b', { versioned: true, count: 2, more: false })).rejects.toThrow(
      /1 object\(s\) in b not deleted \(first: a: AccessDenied\)/,
    );
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });
});

describe('s3-share delete-bucket', () => {
  it('not on a terminal and no --yes: usage error naming --yes, no AWS call', async () => {
    const r = await runCli(['delete-bucket', 'photos']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: deleting bucket photos needs confirmation and this is not a terminal: add --yes\n');
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('an invalid bucket name: usage error', async () => {
    const r = await runCli(['delete-bucket', 'Bad_Bucket', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('a non-empty bucket without --delete-objects: refused, nothing deleted, exit 1', async () => {
    bucketWith(['a', 'b', 'c']);
    const r = await runCli(['delete-bucket', 'photos', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: bucket photos is not empty: it holds 3 object(s): add --delete-objects to delete them with the bucket\n');
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });

  it('--delete-objects --yes: prints the deleted objects and deletes the bucket', async () => {
    bucketWith(['a', 'b', 'c']);
    const r = await runCli(['delete-bucket', 'photos', '--delete-objects', '--yes']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['a', 'b', 'c'].map((Key) => ({ Bucket: 'photos', Key })));
    expect(r.stderr).toMatch(/deleted bucket photos and 3 object\(s\)\n$/);
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(1);
  });

  it('--dry-run: lists what would go and deletes nothing', async () => {
    bucketWith(['a', 'b', 'c']);
    const r = await runCli(['delete-bucket', 'photos', '--delete-objects', '--dry-run', '--nl']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).Key),
    ).toEqual(['a', 'b', 'c']);
    expect(r.stderr).toMatch(/dry run: 3 object\(s\) and bucket photos would be deleted; nothing was deleted/);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });

  it('on a terminal: asks, and anything but yes deletes nothing', async () => {
    bucketWith([]);
    const no = await runCli(['delete-bucket', 'photos'], { tty: true, stdin: 'n\n' });
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/^Delete bucket photos\? \[y\/N\] error: not confirmed: nothing was deleted\n$/);
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(0);
    const yes = await runCli(['delete-bucket', 'photos'], { tty: true, stdin: 'y\n' });
    expect(yes.code).toBe(0);
    expect(s3Mock.commandCalls(DeleteBucketCommand)).toHaveLength(1);
  });

  it('a bucket that does not exist: one line, exit 1', async () => {
    s3Mock.on(GetBucketVersioningCommand).rejects(Object.assign(awsError('NoSuchBucket', 404), { BucketName: 'photos' }));
    const r = await runCli(['delete-bucket', 'photos', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: bucket photos does not exist \(NoSuchBucket\)/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});
