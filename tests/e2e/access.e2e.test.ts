// access on moto, in an account of its own: a dozen principals made both by s3-share (the built
// CLI's create) and by other means (SDK calls here), including prefix clients alice/ and bob/ with
// a sibling alice-evil/, a user whose old policy names "alice*", a group grant, a Deny, a role
// with a boundary, a --role user, an editor of the bucket policy, and a bucket policy granting
// another account and the public. `access` must return exactly the expected table, --check must
// flag the planted problems and nothing else, and a snapshot must answer the same offline.
// Where moto enforces identity policies, a separate client proves a row right.
import { mkdtempSync, readFileSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describeE2E, expectAllowed, expectDenied, runCli } from '../support/e2e';
import { startMoto, type Credentials, type MotoServer } from '../support/moto';

const BUCKET = 'access-e2e-share';
const OTHER = 'access-e2e-other';
const PARTNER = '444455556666';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: 'Allow', Action, Resource });
const arn = (key = '') => `arn:aws:s3:::${BUCKET}${key === '' ? '' : `/${key}`}`;

type Row = Record<string, unknown>;
const summary = (r: Row) => [r.Principal, r.Type, r.Prefix, r.List, r.Read, r.Write, r.Delete, r.Policy].join(' ');
const records = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

describeE2E('access on moto', () => {
  let moto: MotoServer;
  let iam: IAMClient;
  let s3: S3Client;
  const keys: Record<string, Credentials> = {};
  const cli = (args: string[], creds?: Credentials, env: Record<string, string> = {}) =>
    runCli(args, { creds: creds ?? moto.admin, env: { AWS_ENDPOINT_URL: moto.endpoint, ...env }, timeoutMs: 60_000 });
  const s3For = (creds: Credentials) =>
    new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { ...creds }, forcePathStyle: true });

  async function sdkUser(UserName: string, policy?: string): Promise<void> {
    await iam.send(new CreateUserCommand({ UserName }));
    if (policy) await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: `${UserName}-policy`, PolicyDocument: policy }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
    keys[UserName] = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  }

  async function s3ShareUser(args: string[]): Promise<void> {
    const r = await cli(['create', BUCKET, ...args, '--no-wait']);
    if (r.code !== 0) throw new Error(`create ${args.join(' ')} failed: ${r.stderr}`);
    const printed = JSON.parse(r.stdout) as { AccessKeyId: string; SecretAccessKey: string };
    keys[args[args.indexOf('--username') + 1]!] = { accessKeyId: printed.AccessKeyId, secretAccessKey: printed.SecretAccessKey };
  }

  beforeAll(async () => {
    moto = await startMoto({ enforce: true });
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { ...moto.admin } };
    iam = new IAMClient(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
    for (const Bucket of [BUCKET, OTHER]) await s3.send(new CreateBucketCommand({ Bucket }));
    for (const Key of ['alice/a.txt', 'alice-evil/e.txt', 'bob/b.txt', 'public/p.txt'])
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));

    // Made by s3-share.
    await s3ShareUser(['--prefix', 'alice/', '--username', 'alice']);
    await s3ShareUser(['--prefix', 'bob/', '--read-only', '--username', 'bob']);
    await s3ShareUser(['--prefix', 'alice-evil/', '--username', 'alice-evil']);
    await s3ShareUser(['--prefix', 'carol/', '--read-only', '--username', 'carol']);
    await s3ShareUser(['--read-only', '--role', 'reader-role', '--username', 'reader']);

    // Made by other means.
    await iam.send(new CreateGroupCommand({ GroupName: 'everything' }));
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'everything',
        PolicyName: 'all-of-it',
        PolicyDocument: doc(allow('s3:*', [arn(), arn('*')])),
      }),
    );
    await iam.send(new AddUserToGroupCommand({ GroupName: 'everything', UserName: 'carol' }));
    await sdkUser('legacy', doc(allow('s3:GetObject', arn('alice*'))));
    await sdkUser('ops', doc(allow(['s3:PutBucketPolicy', 's3:GetBucketPolicy'], arn())));
    await sdkUser(
      'denied',
      doc(allow(['s3:ListBucket', 's3:GetObject', 's3:PutObject'], [arn(), arn('*')]), {
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: arn('*'),
      }),
    );
    await sdkUser('unrelated', doc(allow('s3:*', `arn:aws:s3:::${OTHER}/*`)));
    await sdkUser(
      'auditor',
      doc(allow(['iam:GetAccountAuthorizationDetails', 'iam:Get*', 'iam:List*', 's3:ListAllMyBuckets', 'sts:GetCallerIdentity'], '*')),
    );
    const boundary = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'team-only', PolicyDocument: doc(allow(['s3:GetObject', 's3:PutObject'], arn('team/*'))) }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'bounded-role',
        AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        PermissionsBoundary: boundary.Policy!.Arn!,
      }),
    );
    await iam.send(new PutRolePolicyCommand({ RoleName: 'bounded-role', PolicyName: 'all-s3', PolicyDocument: doc(allow('s3:*', '*')) }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: BUCKET,
        Policy: doc(
          {
            Sid: 'Partner',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${PARTNER}:root` },
            Action: 's3:GetObject',
            Resource: arn('partner/*'),
          },
          { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: arn('public/*') },
        ),
      }),
    );
  }, 120_000);

  afterAll(async () => {
    iam?.destroy();
    s3?.destroy();
    await moto?.stop();
  });

  const EXPECTED = [
    'admin user  yes yes yes yes yes',
    'alice user alice/ yes yes yes yes no',
    'alice-evil user alice-evil/ yes yes yes yes no',
    'bob user bob/ yes yes no no no',
    'carol user  yes yes yes yes yes',
    'denied user  yes no yes no no',
    'legacy user alice no yes no no no',
    'ops user  no no no no yes',
    'bounded-role role team/ no yes yes no no',
    'reader-role role  yes yes no no no',
    `account ${PARTNER} account partner/ no yes no no no`,
    '(anyone) public public/ no yes no no no',
  ];
  const order = (rows: Row[]) => rows.map(summary).sort((a, b) => EXPECTED.indexOf(a) - EXPECTED.indexOf(b));

  it('access BUCKET: exactly the expected table', async () => {
    const r = await cli(['access', BUCKET, '--nl']);
    // Progress only: nothing was unreadable.
    expect(r.stderr).toBe(
      'reading users, roles, groups and policies (GetAccountAuthorizationDetails)\nreading buckets and their policies\n',
    );
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(order(rows)).toEqual(EXPECTED);
    expect(
      rows
        .filter((x) => x.MadeByS3Share)
        .map((x) => x.Principal)
        .sort(),
    ).toEqual(['alice', 'alice-evil', 'bob', 'carol', 'reader-role']);
    // The --role user reaches through its role: the role's row says so.
    expect(rows.find((x) => x.Principal === 'reader-role')!.AssumableBy).toEqual(['user reader']);
    expect(rows.find((x) => x.Principal === 'bounded-role')!.AssumableBy).toEqual([]);
    const table = await cli(['access', BUCKET, '--table']);
    if (process.env.ACCESS_E2E_PRINT) process.stdout.write(`\n${table.stdout}`);
    expect(table.code).toBe(0);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(EXPECTED.length + 1);
    expect(table.stdout).toMatch(/^legacy +user +access-e2e-share\/alice +no +yes +no +no +no +user legacy inline legacy-policy$/m);
  });

  it('the table agrees with what the keys can really do (moto enforces identity policies)', async () => {
    const get = (who: string, Key: string) => s3For(keys[who]!).send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    await expectAllowed(get('alice', 'alice/a.txt'));
    await expectDenied(get('alice', 'alice-evil/e.txt'));
    await expectDenied(get('alice-evil', 'alice/a.txt'));
    await expectDenied(get('bob', 'alice/a.txt'));
    // legacy's "alice*" reaches both alice/ and alice-evil/, as its row and --check say.
    await expectAllowed(get('legacy', 'alice/a.txt'));
    await expectAllowed(get('legacy', 'alice-evil/e.txt'));
    await expectDenied(get('legacy', 'bob/b.txt'));
    await expectDenied(get('denied', 'bob/b.txt'));
    await expectAllowed(get('carol', 'bob/b.txt'));
    await expectDenied(get('unrelated', 'bob/b.txt'));
  });

  it('access --user and --role: each bucket, the narrowest prefix, the capabilities', async () => {
    const alice = await cli(['access', '--user', 'alice', '--nl']);
    expect(records(alice.stdout).map(summary)).toEqual(['alice user alice/ yes yes yes yes no']);
    const unrelated = await cli(['access', '--user', 'unrelated', '--nl']);
    expect(records(unrelated.stdout).map((x) => `${String(x.Bucket)} ${summary(x)}`)).toEqual([
      `${OTHER} unrelated user  no yes yes yes no`,
    ]);
    const reader = await cli(['access', '--user', 'reader', '--nl']);
    expect(records(reader.stdout).map((x) => `${summary(x)} via ${String(x.ViaRole)}`)).toEqual([
      'reader-role role  yes yes no no no via reader-role',
    ]);
    const role = await cli(['access', '--role', 'bounded-role', '--nl']);
    expect(records(role.stdout).map((x) => `${String(x.Bucket)} ${summary(x)}`)).toEqual([
      `${BUCKET} bounded-role role team/ no yes yes no no`,
    ]);
  });

  it('--check flags the planted problems and nothing else', async () => {
    const r = await cli(['access', '--check', '--nl']);
    expect(r.code).toBe(1);
    const findings = records(r.stdout).map((f) => `${String(f.Finding)} ${String(f.Bucket)} ${String(f.Principal)}`);
    expect(findings.sort()).toEqual(
      [
        `beyond-grant ${BUCKET} carol`,
        `policy-changer ${BUCKET} carol`,
        `policy-changer ${BUCKET} ops`,
        `public-read ${BUCKET} (anyone)`,
        `other-client-prefix ${BUCKET} legacy`,
        `other-client-prefix ${BUCKET} legacy`,
      ].sort(),
    );
    expect(r.stderr).toMatch(/\nerror: access --check: 6 finding\(s\), listed on stdout: fix them or accept them\n$/);
    expect(r.stderr).not.toContain('warning');
    // The lines a person reads (README shows them).
    const lines = await cli(['access', '--check']);
    expect(lines.stdout.trim().split('\n')).toEqual([
      `policy-changer  ${BUCKET}  carol  can policy (yes), via group everything inline all-of-it`,
      `policy-changer  ${BUCKET}  ops  can policy (yes), via user ops inline ops-policy`,
      `public-read  ${BUCKET}  (anyone)  can read (yes) under public/, via bucket ${BUCKET} policy`,
      `other-client-prefix  ${BUCKET}  legacy  can read (yes) alice/, the prefix of user alice, via user legacy inline legacy-policy`,
      `other-client-prefix  ${BUCKET}  legacy  can read (yes) alice-evil/, the prefix of user alice-evil, via user legacy inline legacy-policy`,
      `beyond-grant  ${BUCKET}  carol  s3:PutObject on arn:aws:s3:::${BUCKET}/carol/s3-share-probe, s3:DeleteObject on arn:aws:s3:::${BUCKET}/carol/s3-share-probe, s3:DeleteObjectVersion on arn:aws:s3:::${BUCKET}/carol/s3-share-probe and 55 more requests, allowed by group everything inline all-of-it`,
    ]);
  });

  it('--snapshot then --from-snapshot: the same answer, offline', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'access-e2e-')), 'account.json');
    const live = await cli(['access', BUCKET, '--snapshot', file, '--nl']);
    expect(live.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain(keys.alice!.secretAccessKey);
    // No AWS at all: a closed port as the endpoint, no credentials.
    const offline = await cli(
      ['access', BUCKET, '--from-snapshot', file, '--nl'],
      { accessKeyId: '', secretAccessKey: '' },
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    );
    expect(offline.code).toBe(0);
    expect(offline.stdout).toBe(live.stdout);
    const check = await cli(['access', '--check', '--from-snapshot', file], undefined, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(check.code).toBe(1);
    expect(check.stdout.trim().split('\n')).toHaveLength(6);
  });

  it('a caller that may not read bucket policies: the answer degrades and says so', async () => {
    const r = await cli(['access', BUCKET, '--nl'], keys.auditor);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: incomplete: the policy of bucket ${BUCKET} could not be read (AccessDenied)`);
    const rows = records(r.stdout);
    expect(rows.find((x) => x.Type === 'public')).toMatchObject({
      Read: 'conditional',
      Write: 'conditional',
      Incomplete: expect.stringContaining('AccessDenied'),
    });
    // Nothing looks safer: every principal's row says the bucket policy is missing from the answer.
    expect(rows.every((x) => String(x.Incomplete).includes('bucket policy unreadable'))).toBe(true);
    const check = await cli(['access', BUCKET, '--check'], keys.auditor);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('incomplete');
  });
});
