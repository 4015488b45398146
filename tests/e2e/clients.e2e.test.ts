// plan and apply of a client list, end to end on its own moto server (so the whole account is
// the test's, and --prune cannot touch another test's users). Every write is counted by a proxy,
// and each client's key is tried with a separate client: it can do what its row grants, no more.
import {
  CreateUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  GetLoginProfileCommand,
  TagUserCommand,
  ListRoleTagsCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateBucketCommand, GetBucketPolicyCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, type MotoServer } from '../support/moto';
import { startThrottleProxy, type ThrottleProxy } from '../support/throttle-proxy';
import { describeE2E, expectAllowed, expectDenied, runCli, type CliResult } from '../support/e2e';

const dir = mkdtempSync(join(tmpdir(), 's3share-clients-'));
const BUCKET = 'clients-share';
const OTHER = 'clients-other';

function list(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, ['username,bucket,prefix,access,console,expires', ...rows].join('\n') + '\n');
  return path;
}

describeE2E('plan and apply a client list', () => {
  let moto: MotoServer;
  let proxy: ThrottleProxy;
  let iam: IAMClient;
  let s3: S3Client;

  const cli = (args: string[], extra: Parameters<typeof runCli>[1] = {}): Promise<CliResult> =>
    runCli(args, { creds: moto.admin, ...extra, env: { AWS_ENDPOINT_URL: proxy.url, ...extra.env } });

  const s3For = (key: { AccessKeyId: string; SecretAccessKey: string }) =>
    new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
    });

  async function userNames(): Promise<string[]> {
    return ((await iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName!).sort();
  }
  async function keysOf(user: string): Promise<string[]> {
    return ((await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? []).map((k) => k.AccessKeyId!);
  }
  async function tagsOf(user: string): Promise<Record<string, string>> {
    const tags = (await iam.send(new ListUserTagsCommand({ UserName: user }))).Tags ?? [];
    return Object.fromEntries(tags.map((t) => [t.Key!, t.Value!]));
  }
  async function policiesOf(user: string): Promise<string[]> {
    return (await iam.send(new ListUserPoliciesCommand({ UserName: user }))).PolicyNames ?? [];
  }
  const written = (user: string) => proxy.writes.filter((w) => w.user === user).map((w) => w.operation);

  beforeAll(async () => {
    moto = await startMoto({ enforce: true });
    proxy = await startThrottleProxy({ target: moto.endpoint });
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { ...moto.admin } };
    iam = new IAMClient(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
    for (const Bucket of [BUCKET, OTHER]) await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'alice/a.txt', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bob/b.txt', Body: 'b' }));
  });

  afterAll(async () => {
    iam?.destroy();
    s3?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  const rows = [
    `alice,${BUCKET},alice,read-only,no,`,
    `bob,${BUCKET},bob/,read-write,yes,2099-01-01`,
    `carol,${BUCKET} ${OTHER},,write-only,no,`,
  ];

  test('every bad row is reported with file, line and field, and nothing is created', async () => {
    const before = await userNames();
    const bad = list('bad.csv', [
      `al ice,${BUCKET},,read-only,no,`,
      `bob,Bad_Bucket,,read-only,no,`,
      `carol,${BUCKET},a*b,read-only,no,`,
      `dave,${BUCKET},,everything,no,`,
      `erin,${BUCKET},,read-only,perhaps,`,
      `frank,${BUCKET},,read-only,no,31/12/2030`,
      `frank,${BUCKET},,read-only,no,`,
      `grace,${BUCKET}`,
    ]);
    proxy.reset();
    for (const command of ['plan', 'apply']) {
      const r = await cli([command, bad]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines.map((l) => /^error: .*bad\.csv:(\d+): (\S+):/.exec(l)?.slice(1).join(' '))).toEqual([
        '2 username',
        '3 bucket',
        '4 prefix',
        '5 access',
        '6 console',
        '7 expires',
        '8 username',
        '9 (row)',
        undefined,
      ]);
      expect(lines[8]).toMatch(/^error: 8 problems in client list .*bad\.csv.*nothing was changed$/);
    }
    expect(proxy.log).toEqual([]);
    expect(await userNames()).toEqual(before);
  });

  test('apply creates every client, keys in 0600 files, each key limited to its row', async () => {
    const file = list('clients.csv', rows);
    const plan = await cli(['plan', file, '--nl']);
    expect(plan.code).toBe(0);
    expect(
      plan.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).Action),
    ).toEqual(['create', 'create', 'create']);
    expect(plan.stderr).toMatch(/3 to create/);

    const keysDir = join(dir, 'keys');
    const r = await cli(['apply', file, '--keys-dir', keysDir]);
    expect(r.stderr).toMatch(/\n3 changes\n$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(keysDir).sort()).toEqual(['alice.json', 'bob.json', 'carol.json']);
    for (const f of readdirSync(keysDir)) expect(statSync(join(keysDir, f)).mode & 0o777).toBe(0o600);
    // No secret in anything but the key files.
    const alice = JSON.parse(readFileSync(join(keysDir, 'alice.json'), 'utf8'));
    const bob = JSON.parse(readFileSync(join(keysDir, 'bob.json'), 'utf8'));
    for (const secret of [alice.SecretAccessKey, bob.SecretAccessKey, bob.Password]) {
      expect(secret).toBeTruthy();
      expect(r.stderr).not.toContain(secret);
      expect(plan.stdout + plan.stderr).not.toContain(secret);
    }
    expect(bob.Password).toBeTruthy();
    await iam.send(new GetLoginProfileCommand({ UserName: 'bob' }));
    for (const user of ['alice', 'bob', 'carol']) {
      expect(await keysOf(user)).toHaveLength(1);
      const tags = await tagsOf(user);
      expect(tags['s3-share:made-by']).toMatch(/^s3-share\//);
      expect(tags['s3-share:pending']).toBeUndefined();
    }
    expect((await tagsOf('bob'))['s3-share:expires']).toBe('2099-01-01T00:00:00Z');
    // The expiry is a condition on every Allow of bob's policy.
    const [bobPolicy] = await policiesOf('bob');
    const doc = JSON.parse(
      decodeURIComponent((await iam.send(new GetUserPolicyCommand({ UserName: 'bob', PolicyName: bobPolicy! }))).PolicyDocument!),
    );
    for (const s of doc.Statement) expect(s.Condition.DateLessThan['aws:CurrentTime']).toBe('2099-01-01T00:00:00Z');

    const aliceS3 = s3For(alice);
    await expectAllowed(aliceS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alice/a.txt' })));
    await expectDenied(aliceS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bob/b.txt' })));
    await expectDenied(aliceS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'alice/new.txt', Body: 'x' })));
    const carol = JSON.parse(readFileSync(join(keysDir, 'carol.json'), 'utf8'));
    await expectAllowed(s3For(carol).send(new PutObjectCommand({ Bucket: OTHER, Key: 'drop.txt', Body: 'x' })));
    await expectDenied(s3For(carol).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alice/a.txt' })));
  });

  test('a second apply makes no write call and says 0 changes; existing clients keep their keys', async () => {
    const file = list('clients.csv', rows);
    const keys = await Promise.all(['alice', 'bob', 'carol'].map(keysOf));
    proxy.reset();
    const r = await cli(['apply', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/(^|\n)0 changes\n$/);
    expect(proxy.log.length).toBeGreaterThan(0);
    expect(proxy.writes).toEqual([]);
    expect(await Promise.all(['alice', 'bob', 'carol'].map(keysOf))).toEqual(keys);
  });

  test('an edited row changes only that client', async () => {
    const file = list('clients.csv', [rows[0]!, `bob,${BUCKET},bob/,read-only,yes,2099-01-01`, rows[2]!]);
    const plan = await cli(['plan', file, '--json']);
    const records = JSON.parse(plan.stdout) as Array<{ UserName: string; Action: string; Changes: string[] }>;
    expect(records.filter((x) => x.Action !== 'none').map((x) => x.UserName)).toEqual(['bob']);
    proxy.reset();
    const r = await cli(['apply', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\n1 change\n$/);
    expect(new Set(proxy.writes.map((w) => w.user))).toEqual(new Set(['bob']));
    expect(written('bob').sort()).toEqual(['DeleteUserPolicy', 'PutUserPolicy', 'TagUser']);
    expect(await policiesOf('bob')).toEqual([expect.stringMatching(/^s3-share\.read-only\./)]);
    expect(await keysOf('bob')).toHaveLength(1);
  });

  test('a policy edited by hand shows as drift in plan, and apply repairs it', async () => {
    const file = list('clients.csv', rows);
    await cli(['apply', file]);
    const [name] = await policiesOf('alice');
    const wide = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: name!, PolicyDocument: JSON.stringify(wide) }));
    const plan = await cli(['plan', file, '--nl']);
    const alice = plan.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((x) => x.UserName === 'alice');
    expect(alice).toMatchObject({ Action: 'update', Changes: [`put policy ${name}`] });
    proxy.reset();
    expect((await cli(['apply', file])).code).toBe(0);
    expect(proxy.writes.map((w) => `${w.operation} ${w.user}`)).toEqual(['PutUserPolicy alice']);
    const doc = JSON.parse(
      decodeURIComponent((await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: name! }))).PolicyDocument!),
    );
    expect(JSON.stringify(doc)).not.toContain('"s3:*"');
    proxy.reset();
    expect((await cli(['apply', file])).stderr).toMatch(/(^|\n)0 changes\n$/);
    expect(proxy.writes).toEqual([]);
  });

  test('--prune deletes unlisted clients s3-share made, never a user it did not make', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'not-ours' }));
    const file = list('fewer.csv', [rows[0]!, rows[1]!]);
    const plan = await cli(['plan', file, '--prune', '--nl']);
    const deletes = plan.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((x) => x.Action === 'delete');
    expect(deletes.map((x) => x.UserName)).toEqual(['carol']);
    const r = await cli(['apply', file, '--prune']);
    expect(r.code).toBe(0);
    const users = await userNames();
    expect(users).toContain('not-ours');
    expect(users).toContain('admin');
    expect(users).not.toContain('carol');
    expect(users).toEqual(expect.arrayContaining(['alice', 'bob']));
  });

  test('a listed user s3-share did not make is refused, and the others proceed (exit 1)', async () => {
    const file = list('foreign.csv', [rows[0]!, `not-ours,${BUCKET},,read-only,no,`, `dora,${BUCKET},dora,read-only,no,`]);
    const r = await cli(['apply', file, '--keys-dir', join(dir, 'keys2')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not-ours: user not-ours exists and s3-share did not make it/);
    expect(r.stderr).toMatch(/error: 1 of 2 clients failed \(not-ours\)/);
    expect(await keysOf('dora')).toHaveLength(1);
    expect(await keysOf('not-ours')).toEqual([]);
    expect(await policiesOf('not-ours')).toEqual([]);
  });

  test('--prune-expired deletes a client whose access has expired, with --dry-run first', async () => {
    const file = list('expired.csv', [rows[0]!, `bob,${BUCKET},bob/,read-only,yes,2020-01-01`]);
    const dry = await cli(['apply', file, '--prune-expired', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual([expect.objectContaining({ UserName: 'bob', Action: 'delete', Reason: 'access expired' })]);
    expect(await userNames()).toContain('bob');
    const r = await cli(['apply', file, '--prune-expired']);
    expect(r.code).toBe(0);
    expect(await userNames()).not.toContain('bob');
    // Listed but expired: not created again.
    const again = await cli(['plan', file, '--nl']);
    expect(again.stdout).toMatch(/"UserName":"bob","Action":"none".*"Reason":"access expired: not created"/);
  });

  test('create --expires puts the condition on every Allow and the tag on the user; delete-user --expired removes it', async () => {
    const past = await cli(['create', BUCKET, '--username', 'eve', '--expires', '2020-01-01', '--no-wait']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/^error: --expires 2020-01-01 is in the past/);
    const r = await cli(['create', BUCKET, '--username', 'eve', '--read-only', '--expires', '30d', '--no-wait']);
    expect(r.code).toBe(0);
    const key = JSON.parse(r.stdout);
    const [name] = await policiesOf('eve');
    const doc = JSON.parse(
      decodeURIComponent((await iam.send(new GetUserPolicyCommand({ UserName: 'eve', PolicyName: name! }))).PolicyDocument!),
    );
    const at = (await tagsOf('eve'))['s3-share:expires'];
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(at!) - Date.now()).toBeGreaterThan(29 * 86400_000);
    for (const s of doc.Statement) expect(s.Condition.DateLessThan['aws:CurrentTime']).toBe(at);
    // moto does not judge conditions: the key still works there, and the document is what AWS enforces.
    await expectAllowed(s3For(key).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alice/a.txt' })));

    const none = await cli(['delete-user', '--expired', '--dry-run']);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/0 user\(s\) made by s3-share have expired/);
    // Time passes for alice, a client apply made: her tag now says the access is over. (A user
    // made by create is found the same way once create writes the made-by tag.)
    await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 's3-share:expires', Value: '2020-01-01T00:00:00Z' }] }));
    const dry = await cli(['delete-user', '--expired', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/1 user\(s\) made by s3-share have expired: alice/);
    expect(await userNames()).toContain('alice');
    const del = await cli(['delete-user', '--expired']);
    expect(del.code).toBe(0);
    expect(await userNames()).not.toContain('alice');
    expect(await userNames()).toEqual(expect.arrayContaining(['eve', 'not-ours', 'dora']));
    const both = await cli(['delete-user', 'alice', '--expired']);
    expect(both.code).toBe(2);
  });

  test('clients with their own account get a bucket-policy grant, applied once; a list that cannot fit is refused', async () => {
    const file = join(dir, 'accounts.yaml');
    writeFileSync(
      file,
      [
        'clients:',
        `  - { username: acme, bucket: ${OTHER}, prefix: acme, access: read-only, account: "111122223333" }`,
        `  - { username: globex, bucket: ${OTHER}, prefix: globex, access: write-only, account: "444455556666" }`,
      ].join('\n'),
    );
    const plan = await cli(['plan', file, '--nl']);
    expect(plan.code).toBe(0);
    expect(
      plan.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      expect.objectContaining({ UserName: 'acme', Action: 'create', Changes: [`grant it in the bucket policy of ${OTHER}`] }),
      expect.objectContaining({ UserName: 'globex', Action: 'create' }),
    ]);
    const users = await userNames();
    const r = await cli(['apply', file]);
    expect(r.stderr).toMatch(/\n2 changes\n$/);
    expect(r.code).toBe(0);
    expect(await userNames()).toEqual(users);
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: OTHER }))).Policy!);
    const principals = new Set(policy.Statement.map((x: { Principal: { AWS: string } }) => x.Principal.AWS));
    expect(principals).toEqual(new Set(['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root']));
    proxy.reset();
    const again = await cli(['apply', file]);
    expect(again.stderr).toMatch(/(^|\n)0 changes\n$/);
    expect(proxy.writes).toEqual([]);

    const many = join(dir, 'too-many.csv');
    const rowsFor = Array.from({ length: 25 }, (_, i) => `c${i},${BUCKET},c${i},read-write,no,,${String(100000000000 + i)}`);
    writeFileSync(many, ['username,bucket,prefix,access,console,expires,account', ...rowsFor].join('\n') + '\n');
    proxy.reset();
    const refused = await cli(['apply', many]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error: bucket clients-share would need a [\d,]+-character policy for its 25 account clients, .*about 16 read-write clients/,
    );
    expect(proxy.writes).toEqual([]);
  });

  test('a client with a role: its user may only assume the role, which holds the grant; re-applied with no write, repaired when edited', async () => {
    const file = join(dir, 'roles.yaml');
    writeFileSync(file, `- { username: rolly, bucket: ${BUCKET}, prefix: alice, access: read-only, role: rolly-role }\n`);
    const keysDir = join(dir, 'keys-roles');
    const r = await cli(['apply', file, '--keys-dir', keysDir]);
    expect(r.stderr).toMatch(/\n1 change\n$/);
    expect(r.code).toBe(0);
    const [userPolicy] = await policiesOf('rolly');
    expect(userPolicy).toMatch(/^s3-share\.assume-role\./);
    const roleTags = (await iam.send(new ListRoleTagsCommand({ RoleName: 'rolly-role' }))).Tags ?? [];
    expect(roleTags).toEqual(expect.arrayContaining([{ Key: 's3-share:user', Value: 'rolly' }]));
    const key = JSON.parse(readFileSync(join(keysDir, 'rolly.json'), 'utf8'));
    expect(await userNames()).toContain('rolly');
    const sts = new STSClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
    });
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${moto.accountId}:role/rolly-role`, RoleSessionName: 'test' }),
    );
    sts.destroy();
    const c = assumed.Credentials!;
    const roleS3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken },
    });
    await expectAllowed(roleS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alice/a.txt' })));
    await expectDenied(roleS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bob/b.txt' })));
    // The user's own key reaches no object.
    await expectDenied(s3For(key).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alice/a.txt' })));

    proxy.reset();
    expect((await cli(['apply', file])).stderr).toMatch(/(^|\n)0 changes\n$/);
    expect(proxy.writes).toEqual([]);

    const rolePolicies = (await iam.send(new ListRolePoliciesCommand({ RoleName: 'rolly-role' }))).PolicyNames ?? [];
    const wide = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'rolly-role', PolicyName: rolePolicies[0]!, PolicyDocument: JSON.stringify(wide) }),
    );
    const plan = await cli(['plan', file, '--nl']);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      UserName: 'rolly',
      Action: 'update',
      Changes: [`put policy ${rolePolicies[0]} of role rolly-role`],
    });
    proxy.reset();
    expect((await cli(['apply', file])).code).toBe(0);
    expect(proxy.writes.map((w) => w.operation)).toEqual(['PutRolePolicy']);
    await expectDenied(roleS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bob/b.txt' })));
    roleS3.destroy();
  });
});
