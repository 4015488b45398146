// delete-bucket against moto: an empty bucket goes, a non-empty one is refused and left intact,
// --delete-objects --yes empties and deletes it, --dry-run changes nothing, a versioned bucket
// holding versions is refused before anything is deleted, and bad input is exit 2.
import {
  CreateBucketCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  DeleteObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { adminClients, describeE2E, runCli, uniqueName, type Clients } from '../support/e2e';

describeE2E('delete-bucket on moto', () => {
  let admin: Clients;
  beforeAll(() => {
    admin = adminClients();
  });

  async function bucketWith(keys: string[]): Promise<string> {
    const Bucket = uniqueName('doomed-bucket');
    await admin.s3.send(new CreateBucketCommand({ Bucket }));
    for (const Key of keys) await admin.s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    return Bucket;
  }

  async function exists(Bucket: string): Promise<boolean> {
    try {
      await admin.s3.send(new HeadBucketCommand({ Bucket }));
      return true;
    } catch {
      return false;
    }
  }

  async function keysIn(Bucket: string): Promise<string[]> {
    const out = await admin.s3.send(new ListObjectsV2Command({ Bucket }));
    return (out.Contents ?? []).map((o) => o.Key!).sort();
  }

  it('deletes an empty bucket', async () => {
    const bucket = await bucketWith([]);
    const r = await runCli(['delete-bucket', bucket, '--yes']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toBe(`deleted bucket ${bucket}\n`);
    expect(await exists(bucket)).toBe(false);
  });

  it('refuses a non-empty bucket without --delete-objects and leaves it intact', async () => {
    const bucket = await bucketWith(['a.txt', 'dir/b.txt']);
    const r = await runCli(['delete-bucket', bucket, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: bucket ${bucket} is not empty: it holds 2 object(s): add --delete-objects to delete them with the bucket\n`,
    );
    expect(r.stdout).toBe('');
    expect(await keysIn(bucket)).toEqual(['a.txt', 'dir/b.txt']);
  });

  it('--dry-run lists the objects and deletes nothing', async () => {
    const bucket = await bucketWith(['a.txt', 'dir/b.txt']);
    const r = await runCli(['delete-bucket', bucket, '--delete-objects', '--dry-run', '--nl']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { Bucket: bucket, Key: 'a.txt' },
      { Bucket: bucket, Key: 'dir/b.txt' },
    ]);
    expect(r.stderr).toMatch(/dry run: 2 object\(s\) and bucket .* would be deleted; nothing was deleted/);
    expect(await keysIn(bucket)).toEqual(['a.txt', 'dir/b.txt']);
  });

  it('--delete-objects --yes empties the bucket (more than one batch) and deletes it', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
    const bucket = await bucketWith([]);
    await Promise.all(keys.map((Key) => admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }))));
    const r = await runCli(['delete-bucket', bucket, '--delete-objects', '--yes', '--nl'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1005);
    expect(r.stderr).toMatch(new RegExp(`deleted bucket ${bucket} and 1005 object\\(s\\)\\n$`));
    expect(await exists(bucket)).toBe(false);
  }, 90_000);

  it('deletes a versioned bucket with every version and delete marker', async () => {
    const bucket = await bucketWith([]);
    await admin.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'v.txt', Body: '1' }));
    await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'v.txt', Body: '2' }));
    await admin.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'v.txt' }));
    const before = await admin.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect([before.Versions?.length, before.DeleteMarkers?.length]).toEqual([2, 1]);
    const dry = await runCli(['delete-bucket', bucket, '--delete-objects', '--dry-run', '--nl']);
    expect(dry.code).toBe(0);
    expect(
      dry.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).VersionId)
        .filter(Boolean),
    ).toHaveLength(3);
    expect(await exists(bucket)).toBe(true);
    const r = await runCli(['delete-bucket', bucket, '--delete-objects', '--yes', '--nl']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(await exists(bucket)).toBe(false);
  });

  it('deletes a versioned bucket that holds no versions', async () => {
    const bucket = await bucketWith([]);
    await admin.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const r = await runCli(['delete-bucket', bucket, '--yes']);
    expect(r.code).toBe(0);
    expect(await exists(bucket)).toBe(false);
  });

  it('a bucket that does not exist: one line, exit 1', async () => {
    const bucket = uniqueName('no-such-bucket');
    const r = await runCli(['delete-bucket', bucket, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*does not exist \(NoSuchBucket\)/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('bad input: exit 2, one line naming the cause, nothing changed', async () => {
    const bucket = await bucketWith(['keep.txt']);
    for (const [args, cause] of [
      [['delete-bucket', bucket, '--delete-objects'], /add --yes$/m],
      [['delete-bucket', 'Not_A_Bucket', '--yes'], /Not_A_Bucket/],
      [['delete-bucket'], /missing required argument 'bucket'/],
    ] as const) {
      const r = await runCli([...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(cause);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(await keysIn(bucket)).toEqual(['keep.txt']);
  });
});
