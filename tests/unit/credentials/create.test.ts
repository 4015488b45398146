// create through the CLI with mocked AWS: the plan, rollback of every step, refusals before any write.
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserTagsCommand,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, DeleteBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError } from '../support/aws-error';
import { create } from '../support/run-cli';
import { version } from '../../../package.json';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';

beforeEach(() => {
  iam.reset();
  s3.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin', UserId: 'AID' });
  s3.on(HeadBucketCommand).resolves({});
  iam.on(GetUserCommand).rejects(awsError('NoSuchEntityException', 404));
  // Existing users in these tests were made by s3-share, with no other policies or groups.
  iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 's3-share:made-by', Value: 's3-share/0.1.0' }] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(ListGroupsForUserCommand).resolves({ Groups: [] });
  iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
  iam.on(GetAccountPasswordPolicyCommand).rejects(awsError('NoSuchEntityException', 404));
  iam.on(CreateAccessKeyCommand).resolves({
    AccessKey: {
      UserName: 'u',
      AccessKeyId: 'AKIANEW',
      SecretAccessKey: SECRET,
      Status: 'Active',
      CreateDate: new Date('2025-01-01T00:00:00Z'),
    },
  });
});

const writes = () =>
  [...iam.calls(), ...s3.calls(), ...sts.calls()]
    .sort((a, b) => (a as unknown as { callId: number }).callId - (b as unknown as { callId: number }).callId)
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
    .filter((n) => !/^(Get|Head|List)/.test(n));

describe('create', () => {
  it('creates user, policy and key, and prints the credentials', async () => {
    const r = await create(['photos', '--read-only']);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ UserName: 's3.read-only.photos', AccessKeyId: 'AKIANEW', SecretAccessKey: SECRET, Status: 'Active' });
    expect(writes()).toEqual(['CreateUser', 'PutUserPolicy', 'CreateAccessKey']);
    const user = iam.commandCalls(CreateUserCommand)[0]!.args[0].input;
    expect(user).toMatchObject({ UserName: 's3.read-only.photos', PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
    // Tagged in the CreateUser call itself: there is no moment when the user exists untagged.
    expect(user.Tags).toEqual([
      { Key: 's3-share:made-by', Value: `s3-share/${version}` },
      { Key: 's3-share:created', Value: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
      { Key: 's3-share:grant', Value: 'read-only photos' },
    ]);
    const put = iam.commandCalls(PutUserPolicyCommand)[0]!.args[0].input;
    expect(put.PolicyName).toMatch(/^s3-share\.read-only\.[0-9a-f]{8}$/);
    expect(put.PolicyDocument).not.toMatch(/\s/); // minified
    expect(JSON.parse(put.PolicyDocument!).Statement.some((s: { Action: string[] }) => s.Action.includes('s3:PutObject'))).toBe(false);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('uses the partition of the caller and FullAccess for read-write; none for --policy', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws-cn:iam::123456789012:user/admin' });
    await create(['photos']);
    expect(iam.commandCalls(CreateUserCommand)[0]!.args[0].input.PermissionsBoundary).toBe('arn:aws-cn:iam::aws:policy/AmazonS3FullAccess');
    iam.resetHistory();
    await create([
      'photos',
      '--policy',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::$!BUCKET_NAME!$/*"}]}',
    ]);
    expect(iam.commandCalls(CreateUserCommand)[0]!.args[0].input).toMatchObject({ UserName: 's3.custom.photos' });
    expect(iam.commandCalls(CreateUserCommand)[0]!.args[0].input.PermissionsBoundary).toBeUndefined();
  });

  it('--dry-run prints the plan as JSON and writes nothing', async () => {
    // photos exists, videos does not: with -c the plan creates videos first.
    s3.on(HeadBucketCommand, { Bucket: 'videos' }).rejects(awsError('NotFound', 404));
    const r = await create(['photos', 'videos', '-c', '--console', '--dry-run']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual([]);
    expect(s3.commandCalls(CreateBucketCommand)).toHaveLength(0);
    const plan = JSON.parse(r.stdout) as Array<{ service: string; operation: string; input: Record<string, unknown>; description: string }>;
    expect(plan.map((p) => p.operation)).toEqual([
      'CreateBucket',
      'CreateUser',
      'PutUserPolicy',
      'CreateLoginProfile',
      'CreateAccessKey',
      'DeliverCredentials',
    ]);
    expect(plan[0]!.input).toEqual({ Bucket: 'videos' });
    expect(plan[5]).toMatchObject({ service: 'local', input: { Target: 'stdout', Format: 'json' } });
    expect(plan[2]!.input.PolicyDocument).toHaveProperty('Statement');
    expect(plan[3]!.input.Password).toBe('(hidden)');
    expect(Object.keys(plan[1]!).sort()).toEqual(['description', 'input', 'operation', 'service']);
  });

  it('plans CreateBucket (no LocationConstraint in us-east-1) for a missing bucket with -c', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const r = await create(['newb', '-c', '--dry-run']);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ operation: 'CreateBucket', input: { Bucket: 'newb' } });
    const eu = await create(['newb', '-c', '--bucket-region', 'eu-west-1', '--dry-run']);
    expect(JSON.parse(eu.stdout)[0].input).toEqual({ Bucket: 'newb', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } });
  });

  it('a missing bucket without -c is an error before anything is created', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const r = await create(['nob']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: bucket nob does not exist (NoSuchBucket): check the name, or add -c/--create-bucket to create it\n');
    expect(writes()).toEqual([]);
  });

  it('a bucket that exists but is hidden (403) is told apart, even with -c', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('Unknown', 403));
    const r = await create(['theirs', '-c']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: bucket theirs exists but these credentials may not see it \(403 Forbidden\)/);
    expect(writes()).toEqual([]);
  });

  it('invalid credentials are reported as such before looking at buckets', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('InvalidClientTokenId', 403));
    const r = await create(['photos']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the access key is not valid \(InvalidClientTokenId\)/);
    expect(s3.calls()).toHaveLength(0);
  });

  it('an existing user with 2 keys: a clear error, nothing created', async () => {
    iam
      .on(GetUserCommand)
      .resolves({ User: { UserName: 'bob', Arn: 'arn:aws:iam::123456789012:user/bob', UserId: 'x', Path: '/', CreateDate: new Date() } });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: 'A1' }, { AccessKeyId: 'A2' }] });
    const r = await create(['photos', '--username', 'bob']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/user bob already has 2 access keys, the most AWS allows per user \(2\): run 's3-share rotate-key bob'/);
    expect(writes()).toEqual([]);
  });

  it('an existing user is reused: policy added and a key made, and rollback never deletes the user', async () => {
    iam
      .on(GetUserCommand)
      .resolves({ User: { UserName: 'bob', Arn: 'arn:aws:iam::123456789012:user/bob', UserId: 'x', Path: '/', CreateDate: new Date() } });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: 'A1' }] });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    iam.on(CreateAccessKeyCommand).rejects(awsError('LimitExceededException', 409));
    const r = await create(['photos', '--username', 'bob']);
    expect(r.code).toBe(1);
    // Its boundary is kept (no --replace-boundary); its grant tag is updated, and restored on rollback.
    expect(writes()).toEqual(['TagUser', 'PutUserPolicy', 'CreateAccessKey', 'DeleteUserPolicy', 'UntagUser']);
    expect(iam.commandCalls(DeleteUserCommand)).toHaveLength(0);
  });

  // Every write step of a full create, failed in turn: the undo calls are exactly those of the
  // steps before it, newest first.
  const FULL = ['CreateBucket', 'CreateUser', 'PutUserPolicy', 'CreateLoginProfile', 'CreateAccessKey'];
  const UNDO: Record<string, string> = {
    CreateBucket: 'DeleteBucket',
    CreateUser: 'DeleteUser',
    PutUserPolicy: 'DeleteUserPolicy',
    CreateLoginProfile: 'DeleteLoginProfile',
  };
  const COMMANDS = {
    CreateBucket: CreateBucketCommand,
    CreateUser: CreateUserCommand,
    PutUserPolicy: PutUserPolicyCommand,
    CreateLoginProfile: CreateLoginProfileCommand,
    CreateAccessKey: CreateAccessKeyCommand,
  };
  it.each(FULL.map((op, i) => [op, i] as const))('failing %s rolls back exactly what came before it', async (op, i) => {
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const mock = op === 'CreateBucket' ? s3 : iam;
    (mock as unknown as { on(c: unknown): { rejects(e: Error): void } })
      .on(COMMANDS[op as keyof typeof COMMANDS])
      .rejects(awsError('AccessDenied', 403, `not authorized to perform: ${op === 'CreateBucket' ? 's3' : 'iam'}:${op}`));
    const r = await create(['newb', '-c', '--console', '--username', 'carol']);
    expect(r.code).toBe(1);
    const expected = [
      ...FULL.slice(0, i + 1),
      ...FULL.slice(0, i)
        .reverse()
        .map((o) => UNDO[o]!),
    ];
    expect(writes()).toEqual(expected);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:')),
    ).toHaveLength(1);
    expect(r.stderr).toMatch(i === 0 ? /nothing had been created/ : /rolled back: /);
    expect(r.stdout).toBe('');
  });

  it('the console password never reaches stderr; it is in the delivered credentials', async () => {
    const r = await create(['photos', '--console', '--password-reset-required']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.Password).toMatch(/^.{20,}$/);
    expect(out.ConsoleUrl).toBe('https://123456789012.signin.aws.amazon.com/console');
    expect(r.stderr).not.toContain(out.Password);
    expect(iam.commandCalls(CreateLoginProfileCommand)[0]!.args[0].input).toEqual({
      UserName: 's3.read-write.photos',
      Password: out.Password,
      PasswordResetRequired: true,
    });
  });

  it('--password - reads the password from stdin and checks it against the policy', async () => {
    const ok = await create(['photos', '--console', '--password', '-'], { stdin: 'Correct-Horse-9-battery\n' });
    expect(JSON.parse(ok.stdout).Password).toBe('Correct-Horse-9-battery');
    const short = await create(['photos', '--console', '--password', '-'], { stdin: 'short\n' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/does not satisfy the account's password policy: it is shorter than 8/);
    expect(short.stderr).not.toContain('short\n');
  });

  it('--duration: temporary credentials from AssumeRole with the policy as session policy, no user', async () => {
    iam.on(GetUserCommand).rejects(new Error('must not be called'));
    const { GetRoleCommand } = await import('@aws-sdk/client-iam');
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException', 404));
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIATEMP',
        SecretAccessKey: SECRET,
        SessionToken: 'TOKEN',
        Expiration: new Date('2025-01-01T01:00:00Z'),
      },
    });
    const r = await create(['photos', '--duration', '15m', '--read-only']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['CreateRole', 'PutRolePolicy', 'AssumeRole']);
    const assume = sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input;
    expect(assume).toMatchObject({ RoleArn: 'arn:aws:iam::123456789012:role/s3-share-temporary', DurationSeconds: 900 });
    expect(JSON.parse(assume.Policy!).Statement.length).toBeGreaterThan(0);
    expect(JSON.parse(r.stdout)).toEqual({
      AccessKeyId: 'ASIATEMP',
      SecretAccessKey: SECRET,
      SessionToken: 'TOKEN',
      Expiration: '2025-01-01T01:00:00.000Z',
    });
    expect(r.stderr).toContain('a session of arn:aws:iam::123456789012:role/s3-share-temporary');
  });

  it('--duration does not roll back a shared role that existed', async () => {
    const { GetRoleCommand, UpdateRoleCommand } = await import('@aws-sdk/client-iam');
    iam.on(GetRoleCommand).resolves({
      Role: { RoleName: 's3-share-temporary', MaxSessionDuration: 43200, Arn: 'a', Path: '/', RoleId: 'r', CreateDate: new Date() },
    });
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 403));
    const r = await create(['photos', '--duration', '1h']);
    expect(r.code).toBe(1);
    expect(writes()).toEqual(['AssumeRole']);
    expect(iam.commandCalls(UpdateRoleCommand)).toHaveLength(0);
  });

  it('--role: a role with the policy and a user allowed only sts:AssumeRole on it', async () => {
    const { GetRoleCommand, CreateRoleCommand, PutRolePolicyCommand } = await import('@aws-sdk/client-iam');
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException', 404));
    const r = await create(['photos', '--role', 'photos-reader', '--username', 'pat', '--read-only']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['CreateUser', 'CreateRole', 'PutRolePolicy', 'PutUserPolicy', 'CreateAccessKey']);
    expect(iam.commandCalls(CreateUserCommand)[0]!.args[0].input).toMatchObject({ UserName: 'pat' });
    expect(iam.commandCalls(CreateUserCommand)[0]!.args[0].input.PermissionsBoundary).toBeUndefined();
    const role = iam.commandCalls(CreateRoleCommand)[0]!.args[0].input;
    expect(role.PermissionsBoundary).toBe('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    // delete-user recognises the role as pat's by this tag.
    expect(role.Tags![0]).toEqual({ Key: 's3-share:user', Value: 'pat' });
    expect(role.Tags!.map((t) => t.Key)).toEqual(['s3-share:user', 's3-share:made-by', 's3-share:created', 's3-share:grant']);
    expect(JSON.parse(role.AssumeRolePolicyDocument!).Statement[0].Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/pat' },
    });
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(1);
    expect(JSON.parse(iam.commandCalls(PutUserPolicyCommand)[0]!.args[0].input.PolicyDocument!).Statement).toEqual([
      { Sid: 'AssumeTheShareRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::123456789012:role/photos-reader' },
    ]);
    expect(JSON.parse(r.stdout).RoleArn).toBe('arn:aws:iam::123456789012:role/photos-reader');
  });

  it.each([
    [['Bad_Bucket']],
    [['photos', '--prefix', '/abs']],
    [['photos', '--read-only', '--write-only']],
    [['photos', '--policy', '/nonexistent/p.json']],
    [['photos', '--username', 'bad name']],
    [['photos', '--duration', '5m']],
    [['photos', '--duration', '1h', '--username', 'x']],
    [['photos', '--bucket-region', 'eu-west-1']],
    [['photos', '--password', '-']],
    [['photos', '--format', 'xml']],
    [['photos', '--user-permissions-boundary', 'AmazonS3FullAccess']],
    [['photos', '--wait-timeout', '0']],
  ])('%j is a usage error: exit 2, one line, no AWS call', async (args) => {
    const r = await create(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(sts.calls().length + iam.calls().length + s3.calls().length).toBe(0);
  });

  it('waits for the new key by default when stderr is a terminal, not otherwise, and not with --no-wait', async () => {
    const tty = await create(['photos', '--read-only'], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/waiting until the new key works[\s\S]*the new key works/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(2); // ours, then the new key's
    sts.resetHistory();
    const piped = await create(['photos', '--read-only']);
    expect(piped.stderr).not.toMatch(/waiting/);
    const noWait = await create(['photos', '--read-only', '--no-wait'], { tty: true });
    expect(noWait.stderr).not.toMatch(/waiting/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(2);
  });

  it('unused mocks are not a sign of an undo', () => {
    expect([DeleteAccessKeyCommand, DeleteLoginProfileCommand, DeleteBucketCommand, DeleteUserPolicyCommand]).toHaveLength(4);
  });
});
