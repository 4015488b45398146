// assume-and-sync on moto with IAM enforcement: a barren user that may only assume a role, a role
// that may write one bucket. Every check reads the bucket back as the admin.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  adminClients,
  CLI_PATH,
  createTestUser,
  describeE2E,
  motoState,
  runCli,
  uniqueName,
  type Clients,
  type TestUser,
} from '../support/e2e';

const policy = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const OLD = new Date('2020-01-01T00:00:00Z');

const FILES: Record<string, string | Buffer> = {
  'plain.txt': 'plain\n',
  'a b+c ü.txt': 'odd name\n',
  empty: '',
  'nested/deeper/leaf.json': '{"x":1}\n',
  'nested/space dir/ünï cödé + more.md': '# hi\n',
};

function writeTree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'sync-src-'));
  for (const [rel, body] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, body);
    // Older than any upload, so the whole-second LastModified never ties with it.
    utimesSync(path, OLD, OLD);
  }
  return root;
}

interface Event {
  event: string;
  key?: string;
  size?: number;
  error?: string;
  uploaded?: number;
  skipped?: number;
  deleted?: number;
  failed?: number;
}
const events = (stdout: string): Event[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);
const byEvent = (es: Event[], name: string) =>
  es
    .filter((e) => e.event === name)
    .map((e) => e.key)
    .sort();

describeE2E('assume-and-sync', () => {
  let admin: Clients;
  let bucket: string;
  let roleArn: string;
  let user: TestUser;

  const keys = async (Prefix?: string) =>
    ((await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix }))).Contents ?? []).map((o) => o.Key ?? '').sort();
  const body = async (Key: string) => {
    const { Body } = await admin.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    return Buffer.from(await Body!.transformToByteArray());
  };
  async function createRole(trusted: string, rolePolicy: string): Promise<string> {
    const RoleName = uniqueName('syncrole');
    const { Role } = await admin.iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: policy({ Effect: 'Allow', Principal: { AWS: trusted }, Action: 'sts:AssumeRole' }),
      }),
    );
    await admin.iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'sync', PolicyDocument: rolePolicy }));
    return Role!.Arn!;
  }
  const sync = (root: string, dest: string, extra: string[] = [], as: TestUser = user, arn = roleArn) =>
    runCli(['assume-and-sync', root, dest, '--role-arn', arn, ...extra], { creds: as, timeoutMs: 60_000 });

  beforeAll(async () => {
    admin = adminClients();
    bucket = uniqueName('sync');
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { accountId } = motoState();
    // The barren user: sts:AssumeRole and nothing else.
    user = await createTestUser(
      uniqueName('syncer'),
      policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${accountId}:role/*` }),
    );
    roleArn = await createRole(
      user.arn,
      policy(
        {
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
          Resource: `arn:aws:s3:::${bucket}/*`,
        },
        // DeleteObjects is authorised on the bucket ARN by moto (see moto-notes).
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:DeleteObject'], Resource: `arn:aws:s3:::${bucket}` },
      ),
    );
  });

  test('the barren user cannot write the bucket itself', async () => {
    const r = await runCli(['assume-and-sync', writeTree({ x: 'x' }), `s3://${bucket}/own`], { creds: user });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no --role-arn given: syncing with your own credentials/);
    expect(r.stderr).toMatch(/AccessDenied/);
  });

  test('first sync uploads every file exactly; a re-run uploads nothing; a changed file alone goes again', async () => {
    const root = writeTree(FILES);
    const first = await sync(root, `s3://${bucket}/tree`, ['--nl']);
    expect(first.stderr).not.toMatch(/error/);
    expect(first.code).toBe(0);
    const expectedKeys = Object.keys(FILES)
      .map((k) => `tree/${k}`)
      .sort();
    expect(byEvent(events(first.stdout), 'uploaded')).toEqual(expectedKeys);
    expect(await keys('tree/')).toEqual(expectedKeys);
    for (const [rel, content] of Object.entries(FILES)) expect((await body(`tree/${rel}`)).equals(Buffer.from(content))).toBe(true);
    expect(events(first.stdout).pop()).toMatchObject({ event: 'summary', uploaded: 5, skipped: 0, failed: 0 });

    const again = await sync(root, `${bucket}/tree`, ['--nl']);
    expect(again.code).toBe(0);
    const es = events(again.stdout);
    expect(es.slice(0, -1).every((e) => e.event === 'skipped')).toBe(true);
    expect(byEvent(es, 'skipped')).toEqual(expectedKeys);

    writeFileSync(join(root, 'plain.txt'), 'plain, edited\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, 'plain.txt'), later, later);
    const third = await sync(root, `s3://${bucket}/tree/`, ['--nl']);
    expect(third.code).toBe(0);
    expect(byEvent(events(third.stdout), 'uploaded')).toEqual(['tree/plain.txt']);
    expect((await body('tree/plain.txt')).toString()).toBe('plain, edited\n');

    // Same size, newer mtime: uploaded by default, skipped with --size-only, compared with --checksum.
    writeFileSync(join(root, 'a b+c ü.txt'), 'ODD NAME\n');
    const newer = new Date(Date.now() + 10_000);
    utimesSync(join(root, 'a b+c ü.txt'), newer, newer);
    const sizeOnly = await sync(root, `s3://${bucket}/tree`, ['--nl', '--size-only']);
    expect(byEvent(events(sizeOnly.stdout), 'uploaded')).toEqual([]);
    const checksum = await sync(root, `s3://${bucket}/tree`, ['--nl', '--checksum']);
    expect(byEvent(events(checksum.stdout), 'uploaded')).toEqual(['tree/a b+c ü.txt']);
    expect((await body('tree/a b+c ü.txt')).toString()).toBe('ODD NAME\n');
  });

  test('--delete removes what is gone under the prefix only, keeps excluded objects and the sibling', async () => {
    const root = writeTree({ 'keep.txt': 'k', 'skip.log': 'local log' });
    for (const Key of ['dest/stale.txt', 'dest/sub/stale2.txt', 'dest/remote.log', 'destination-sibling.txt']) {
      await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'old' }));
    }
    const dry = await sync(root, `s3://${bucket}/dest`, ['--delete', '--exclude', '*.log', '--dry-run']);
    expect(dry.code).toBe(0);
    const planned = events(dry.stdout);
    expect(byEvent(planned, 'would-upload')).toEqual(['dest/keep.txt']);
    expect(byEvent(planned, 'would-delete')).toEqual(['dest/stale.txt', 'dest/sub/stale2.txt']);
    expect(await keys()).toEqual(expect.arrayContaining(['dest/stale.txt', 'dest/sub/stale2.txt']));
    expect(await keys('dest/')).not.toContain('dest/keep.txt');

    const r = await sync(root, `s3://${bucket}/dest`, ['--delete', '--exclude', '*.log', '--nl']);
    expect(r.code).toBe(0);
    expect(byEvent(events(r.stdout), 'deleted')).toEqual(['dest/stale.txt', 'dest/sub/stale2.txt']);
    expect(await keys('dest')).toEqual(['dest/keep.txt', 'dest/remote.log', 'destination-sibling.txt']);
  });

  test('a multipart file (20 MiB, 3 parts) arrives byte for byte', async () => {
    const data = randomBytes(20 * 1024 * 1024 + 123);
    const root = writeTree({ 'big.bin': data });
    const r = await sync(root, `s3://${bucket}/mp`, ['--nl']);
    expect(r.code).toBe(0);
    const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
    expect(md5(await body('mp/big.bin'))).toBe(md5(data));
    const listed = await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'mp/' }));
    expect(listed.Contents?.[0].ETag).toMatch(/-3"$/);
    // --checksum computes the same multipart ETag locally: nothing to do.
    const again = await sync(root, `s3://${bucket}/mp`, ['--nl', '--checksum']);
    expect(byEvent(events(again.stdout), 'skipped')).toEqual(['mp/big.bin']);
  });

  test('SIGINT mid-upload aborts the multipart upload: no parts are left, exit 130', async () => {
    const root = writeTree({ 'huge.bin': Buffer.alloc(400 * 1024 * 1024, 9) });
    const state = motoState();
    const child = spawn(
      process.execPath,
      [CLI_PATH, 'assume-and-sync', root, `s3://${bucket}/int`, '--role-arn', roleArn, '--concurrency', '1'],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: mkdtempSync(join(tmpdir(), 'home-')),
          AWS_ENDPOINT_URL: state.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: user.accessKeyId,
          AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const uploads = async () => (await admin.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'int/' }))).Uploads ?? [];
    const deadline = Date.now() + 30_000;
    while ((await uploads()).length === 0) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no multipart upload seen: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    // Wait for a part to be stored, so the bytes sent before the interruption are not zero.
    const UploadId = (await uploads())[0]!.UploadId!;
    const partsStored = async () =>
      (await admin.s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'int/huge.bin', UploadId }))).Parts ?? [];
    while ((await partsStored()).length === 0) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no part seen: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/error: interrupted/);
    // The summary counts only objects that exist: the aborted upload's parts are not uploaded bytes.
    expect(stderr).toMatch(/: 0 uploaded \(0 B\),/);
    expect(await uploads()).toEqual([]);
    expect(await keys('int/')).toEqual([]);
  }, 90_000);

  test('errors: malformed ARN (2), missing folder (1), AssumeRole refused (1), a role without rights (1): one line each', async () => {
    const root = writeTree({ f: 'x' });
    const bad = await sync(root, `s3://${bucket}/e`, [], user, 'arn:aws:iam::123:role/x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --role-arn arn:aws:iam::123:role\/x is not a role ARN/);

    const missing = await sync(join(root, 'nope'), `s3://${bucket}/e`);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: local folder .*nope does not exist/)]);

    const stranger = await createTestUser(uniqueName('stranger'), policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }));
    const refused = await sync(root, `s3://${bucket}/e`, [], stranger);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: .*sts:AssumeRole.*AccessDenied/)]);

    const powerless = await createRole(user.arn, policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }));
    const denied = await sync(root, `s3://${bucket}/e`, ['--silent'], user, powerless);
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: access denied: .*s3:ListBucket.*\(AccessDenied\)/)]);
    expect(await keys('e/')).toEqual([]);
  });

  test('--external-id and --session-name reach AssumeRole: the wrong id is refused, the right one works', async () => {
    const RoleName = uniqueName('extrole');
    const { Role } = await admin.iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: policy({
          Effect: 'Allow',
          Principal: { AWS: user.arn },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'right-id' } },
        }),
      }),
    );
    await admin.iam.send(
      new PutRolePolicyCommand({
        RoleName,
        PolicyName: 'sync',
        PolicyDocument: policy(
          { Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
        ),
      }),
    );
    const root = writeTree({ f: 'x' });
    const wrong = await sync(root, `s3://${bucket}/ext`, ['--external-id', 'wrong-id'], user, Role!.Arn!);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: .*AccessDenied/)]);
    const right = await sync(root, `s3://${bucket}/ext`, ['--external-id', 'right-id', '--session-name', 'deploy@ci'], user, Role!.Arn!);
    expect(right.code).toBe(0);
    expect(right.stderr).toMatch(/as session deploy@ci/);
    expect(await keys('ext/')).toEqual(['ext/f']);
  });

  test('a file that fails does not stop the others; failures are listed and exit 1', async () => {
    // The role may write the prefix but is explicitly denied one key of it.
    const denyOne = await createRole(
      user.arn,
      policy(
        { Effect: 'Allow', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::${bucket}/*` },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${bucket}` },
        { Effect: 'Deny', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::${bucket}/partial/locked` },
      ),
    );
    const root = writeTree({ 'ok-1': 'a', locked: 'c', 'ok-2': 'b' });
    const r = await sync(root, `s3://${bucket}/partial`, ['--nl'], user, denyOne);
    expect(r.code).toBe(1);
    expect(byEvent(events(r.stdout), 'uploaded')).toEqual(['partial/ok-1', 'partial/ok-2']);
    expect(byEvent(events(r.stdout), 'failed')).toEqual(['partial/locked']);
    expect(events(r.stdout).pop()).toMatchObject({ event: 'summary', uploaded: 2, failed: 1 });
    expect(r.stderr).toMatch(/failed: partial\/locked: access denied: .*s3:PutObject.*AccessDenied/);
    expect(r.stderr).toMatch(/error: 1 file failed/);
    expect(await keys('partial/')).toEqual(['partial/ok-1', 'partial/ok-2']);
  });
  test('--checksum: a file it cannot read to compare is uploaded, fails with its own error, exit 1', async () => {
    // A file whose size is known but whose content cannot be read: mode 000 stops anyone but root;
    // for root, a write-only sysfs attribute (4,096 bytes by stat, EACCES on read) does the same.
    const root = writeTree({ ok: 'fine' });
    let target = join(mkdtempSync(join(tmpdir(), 'unreadable-')), 'locked');
    if (process.getuid?.() === 0) target = '/sys/bus/pci/rescan';
    else {
      writeFileSync(target, Buffer.alloc(4096, 7));
      chmodSync(target, 0o000);
    }
    expect(statSync(target).size).toBe(4096);
    symlinkSync(target, join(root, 'locked'));
    // The same size remotely, with an MD5-style ETag: only reading the file could say it is unchanged.
    await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'unread/locked', Body: Buffer.alloc(4096, 7) }));

    const r = await sync(root, `s3://${bucket}/unread`, ['--nl', '--checksum']);
    expect(r.code).toBe(1);
    const es = events(r.stdout);
    expect(byEvent(es, 'uploaded')).toEqual(['unread/ok']);
    expect(es.filter((e) => e.event === 'failed')).toEqual([
      { event: 'failed', key: 'unread/locked', size: 4096, error: expect.stringMatching(/cannot read the file \(EACCES\)/) },
    ]);
    expect(es.pop()).toMatchObject({ event: 'summary', uploaded: 1, skipped: 0, failed: 1, bytes: 4 });
    expect(r.stderr).toMatch(/failed: unread\/locked: cannot read the file \(EACCES\)/);
  });
});
