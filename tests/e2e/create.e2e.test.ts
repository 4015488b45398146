// `s3-share create` against moto with IAM enforcement: the printed credentials can do exactly what
// the mode grants and are refused the rest; failures roll back; bad input creates nothing.
import { ListUsersCommand, GetUserCommand, CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import {
  adminClients,
  clientsFor,
  createTestUser,
  describeE2E,
  expectAllowed,
  expectDenied,
  motoState,
  runCli,
  uniqueName,
  type Clients,
} from '../support/e2e';

interface Printed {
  UserName?: string;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
  RoleArn?: string;
}

async function createOk(args: string[], input?: string): Promise<Printed> {
  const r = await runCli(['create', ...args], { input });
  if (r.code !== 0) throw new Error(`create ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Printed;
}

const keyOf = (p: Printed) => clientsFor({ accessKeyId: p.AccessKeyId, secretAccessKey: p.SecretAccessKey, sessionToken: p.SessionToken });

async function userNames(): Promise<string[]> {
  const out = await adminClients().iam.send(new ListUsersCommand({ MaxItems: 1000 }));
  return (out.Users ?? []).map((u) => u.UserName ?? '').sort();
}

describeE2E('create on moto', () => {
  let admin: Clients;
  let bucket: string;
  let other: string;

  beforeAll(async () => {
    admin = adminClients();
    bucket = uniqueName('share');
    other = uniqueName('other');
    for (const b of [bucket, other]) {
      await admin.s3.send(new CreateBucketCommand({ Bucket: b }));
      for (const Key of ['top.txt', 'alice/x', 'alice-evil/x', 'bob/x']) {
        await admin.s3.send(new PutObjectCommand({ Bucket: b, Key, Body: `body of ${Key}` }));
      }
    }
  });

  const get = (c: Clients, Bucket: string, Key: string) => c.s3.send(new GetObjectCommand({ Bucket, Key }));
  const list = (c: Clients, Bucket: string, Prefix?: string) => c.s3.send(new ListObjectsV2Command({ Bucket, Prefix }));
  const put = (c: Clients, Bucket: string, Key: string) =>
    c.s3.send(new PutObjectCommand({ Bucket, Key, Body: 'new', ContentType: 'application/octet-stream' }));
  const del = (c: Clients, Bucket: string, Key: string) => c.s3.send(new DeleteObjectCommand({ Bucket, Key }));

  test('read-write: get, list, put, delete on the bucket; nothing on another bucket', async () => {
    const printed = await createOk(['--silent', bucket, '--username', uniqueName('rw')]);
    const c = keyOf(printed);
    await expectAllowed(get(c, bucket, 'top.txt'));
    await expectAllowed(list(c, bucket));
    await expectAllowed(put(c, bucket, 'rw-new.txt'));
    await expectAllowed(del(c, bucket, 'rw-new.txt'));
    await expectDenied(get(c, other, 'top.txt'));
    await expectDenied(list(c, other));
    await expectDenied(put(c, other, 'x'));
    await expectDenied(del(c, other, 'top.txt'));
  });

  test('read-only: get and list; put and delete refused; default user name and boundary', async () => {
    const r = await runCli(['create', bucket, '--read-only']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as Printed;
    expect(printed.UserName).toBe(`s3.read-only.${bucket}`);
    expect(r.stderr).not.toContain(printed.SecretAccessKey);
    expect(r.stderr).toMatch(/create IAM user s3\.read-only\./);
    const c = keyOf(printed);
    await expectAllowed(get(c, bucket, 'alice/x'));
    await expectAllowed(list(c, bucket));
    await expectDenied(put(c, bucket, 'ro.txt'));
    await expectDenied(del(c, bucket, 'top.txt'));
    await expectDenied(get(c, other, 'top.txt'));
  });

  test('write-only: put; get, list and delete refused', async () => {
    const c = keyOf(await createOk(['--silent', bucket, '--write-only', '--username', uniqueName('wo')]));
    await expectAllowed(put(c, bucket, 'wo.txt'));
    await expectDenied(get(c, bucket, 'top.txt'));
    await expectDenied(list(c, bucket));
    await expectDenied(del(c, bucket, 'wo.txt'));
    await expectDenied(put(c, other, 'wo.txt'));
  });

  test('--prefix alice/: inside allowed, outside and the sibling alice-evil/ refused', async () => {
    const c = keyOf(await createOk(['--silent', bucket, '--prefix', 'alice/', '--username', uniqueName('pre')]));
    await expectAllowed(get(c, bucket, 'alice/x'));
    await expectAllowed(list(c, bucket, 'alice/'));
    await expectAllowed(put(c, bucket, 'alice/new'));
    await expectAllowed(del(c, bucket, 'alice/new'));
    await expectDenied(get(c, bucket, 'alice-evil/x'));
    await expectDenied(get(c, bucket, 'bob/x'));
    await expectDenied(get(c, bucket, 'top.txt'));
    await expectDenied(put(c, bucket, 'alice-evil/y'));
    await expectDenied(del(c, bucket, 'bob/x'));
    await expectDenied(list(c, bucket, 'alice-evil/'));
    await expectDenied(list(c, bucket, 'bob/'));
    await expectDenied(list(c, bucket));
    await expectDenied(get(c, other, 'alice/x'));
  });

  describe('--policy', () => {
    const template = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::$!BUCKET_NAME!$/bob/*' }],
    });
    const check = async (c: Clients) => {
      await expectAllowed(get(c, bucket, 'bob/x'));
      await expectDenied(get(c, bucket, 'alice/x'));
      await expectDenied(list(c, bucket));
      await expectDenied(put(c, bucket, 'bob/y'));
    };
    test('from a file', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pol-'));
      const file = path.join(dir, 'p.json');
      fs.writeFileSync(file, template);
      await check(keyOf(await createOk(['--silent', bucket, '--policy', file, '--username', uniqueName('pf')])));
    });
    test('as a literal', async () => {
      await check(keyOf(await createOk(['--silent', bucket, '--policy', template, '--username', uniqueName('pl')])));
    });
    test('from stdin', async () => {
      await check(keyOf(await createOk(['--silent', bucket, '--policy', '-', '--username', uniqueName('ps')], template)));
    });
  });

  test('--format ini parses as a credentials file whose key works', async () => {
    const name = uniqueName('ini');
    const r = await runCli(['create', '--silent', bucket, '--read-only', '--username', name, '--format', 'ini']);
    expect(r.code).toBe(0);
    // Read back by the SDK's own loader, as aws-cli and the SDKs would read the profile.
    const iniFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 's3share-ini-')), 'credentials');
    fs.writeFileSync(iniFile, r.stdout);
    const section = (await loadSharedConfigFiles({ filepath: iniFile, configFilepath: os.devNull, ignoreCache: true })).credentialsFile[
      name
    ]!;
    expect(section.aws_access_key_id).toMatch(/^[A-Z0-9]{16,}$/);
    const c = clientsFor({ accessKeyId: section.aws_access_key_id!, secretAccessKey: section.aws_secret_access_key! });
    await expectAllowed(get(c, bucket, 'top.txt'));
    await expectDenied(put(c, bucket, 'x'));
  });

  test('--output writes a 0600 file and refuses to overwrite it', async () => {
    const r = await runCli(['create', '--silent', bucket, '--read-only', '--username', uniqueName('out'), '--output', 'creds.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const file = path.join(r.home, 'creds.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const printed = JSON.parse(fs.readFileSync(file, 'utf8')) as Printed;
    await expectAllowed(get(keyOf(printed), bucket, 'top.txt'));
    const before = await userNames();
    const again = await runCli(['create', bucket, '--username', uniqueName('out2'), '--output', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists: choose another file, or add --force/);
    expect(await userNames()).toEqual(before);
  });

  test('--dry-run prints the plan and creates nothing', async () => {
    const name = uniqueName('dry');
    const newBucket = uniqueName('drybucket');
    const before = await userNames();
    const r = await runCli(['create', newBucket, '-c', '--username', name, '--dry-run']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Array<{ operation: string }>;
    expect(plan.map((s) => s.operation)).toEqual(['CreateBucket', 'CreateUser', 'PutUserPolicy', 'CreateAccessKey', 'DeliverCredentials']);
    expect(await userNames()).toEqual(before);
    await expect(admin.s3.send(new HeadBucketCommand({ Bucket: newBucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  test('-c creates a missing bucket that the new key can use', async () => {
    const newBucket = uniqueName('made');
    const c = keyOf(await createOk(['--silent', newBucket, '-c', '--username', uniqueName('mk')]));
    await expectAllowed(admin.s3.send(new HeadBucketCommand({ Bucket: newBucket })));
    await expectAllowed(put(c, newBucket, 'hello.txt'));
  });

  test('a missing bucket without -c: exit 1, nothing created', async () => {
    const name = uniqueName('nob');
    const r = await runCli(['create', uniqueName('missing'), '--username', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: bucket \S+ does not exist \(NoSuchBucket\): check the name, or add -c\/--create-bucket/);
    expect(await userNames()).not.toContain(name);
  });

  test('an existing user is reused: a second key is made and works', async () => {
    const name = uniqueName('again');
    const first = await createOk(['--silent', bucket, '--read-only', '--username', name]);
    // The new key would also reach the first grant's bucket: more than this grant, so it takes --allow-excess.
    const refused = await runCli(['create', '--silent', other, '--read-only', '--username', name]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`arn:aws:s3:::${bucket}`);
    const second = await createOk(['--silent', other, '--read-only', '--username', name, '--allow-excess']);
    expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
    await expectAllowed(get(keyOf(second), other, 'top.txt'));
    await expectAllowed(get(keyOf(second), bucket, 'top.txt')); // the first grant is kept
  });

  test('an existing user with 2 keys: a clear error and nothing created', async () => {
    const user = await createTestUser(uniqueName('twokeys'), null);
    await admin.iam.send(new CreateAccessKeyCommand({ UserName: user.userName }));
    const r = await runCli(['create', '--silent', bucket, '--username', user.userName, '--reuse-user']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already has 2 access keys, the most AWS allows per user \(2\): run 's3-share rotate-key/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const c = clientsFor(user);
    await expectDenied(get(c, bucket, 'top.txt')); // no policy was added
  });

  test('rollback: refused iam:CreateAccessKey part way leaves no user behind', async () => {
    const limited = await createTestUser(uniqueName('limited'), {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['iam:CreateUser', 'iam:GetUser', 'iam:DeleteUser', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy', 'iam:ListAccessKeys'],
          Resource: '*',
        },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: '*' },
        { Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: '*' },
      ],
    });
    const name = uniqueName('rolled');
    const r = await runCli(['create', bucket, '--username', name], { creds: limited });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/create an access key for user \S+ failed: access denied.*iam:CreateAccessKey/);
    expect(r.stderr).toMatch(/rolled back: delete inline policy s3-share\.read-write\.[0-9a-f]{8} of user \S+, delete user \S+\n$/);
    await expect(admin.iam.send(new GetUserCommand({ UserName: name }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    expect(r.stdout).toBe('');
  });

  test.each([
    [['Bad_Bucket']],
    [['ok-bucket', '--prefix', '/abs']],
    [['ok-bucket', '--prefix', 'a*b']],
    [['ok-bucket', '--read-only', '--write-only']],
    [['ok-bucket', '--policy', '/nonexistent/p.json']],
    [['ok-bucket', '--duration', '2m']],
    [['ok-bucket', '--username', 'no spaces']],
    [['ok-bucket', '--bucket-region', 'eu-west-1']],
  ])('%j: exit 2, one line, nothing created', async (args) => {
    const before = await userNames();
    const r = await runCli(['create', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stdout).toBe('');
    expect(await userNames()).toEqual(before);
  });

  test('--duration: temporary credentials read the bucket, are refused another, and no user is made', async () => {
    const before = await userNames();
    const printed = await createOk(['--silent', bucket, '--read-only', '--duration', '15m']);
    expect(printed.SessionToken).toBeTruthy();
    // Exactly STS's four keys, as s3-credentials prints them: scripts compare the key set.
    expect(Object.keys(printed).sort()).toEqual(['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken']);
    const c = keyOf(printed);
    await expectAllowed(get(c, bucket, 'top.txt'));
    await expectAllowed(list(c, bucket));
    await expectDenied(put(c, bucket, 'tmp.txt'));
    await expectDenied(get(c, other, 'top.txt'));
    expect(await userNames()).toEqual(before);
    // a second run reuses the role
    const again = await createOk(['--silent', other, '--duration', '1h', '--prefix', 'bob/']);
    await expectAllowed(get(keyOf(again), other, 'bob/x'));
    await expectDenied(get(keyOf(again), other, 'alice/x'));
  });

  test('--role: the user can only assume the role, and the role reads the bucket', async () => {
    const role = uniqueName('reader');
    const printed = await createOk(['--silent', bucket, '--read-only', '--role', role, '--username', uniqueName('barren')]);
    expect(printed.RoleArn).toBe(`arn:aws:iam::${motoState().accountId}:role/${role}`);
    const user = keyOf(printed);
    await expectDenied(get(user, bucket, 'top.txt'));
    await expectDenied(list(user, bucket));
    const { Credentials: s } = await expectAllowed(
      user.sts.send(new AssumeRoleCommand({ RoleArn: printed.RoleArn, RoleSessionName: 'e2e' })),
    );
    const session = clientsFor({ accessKeyId: s!.AccessKeyId!, secretAccessKey: s!.SecretAccessKey!, sessionToken: s!.SessionToken! });
    const me = await session.sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toContain(`assumed-role/${role}/e2e`);
    await expectAllowed(get(session, bucket, 'top.txt'));
    await expectDenied(put(session, bucket, 'x'));
    await expectDenied(get(session, other, 'top.txt'));
    // (That only this user is trusted rests on an aws:PrincipalArn condition, which moto counts as
    // true; the unit tests assert the trust document instead.)
  });
});
