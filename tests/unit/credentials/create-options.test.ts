// create: --bucket-owner, --password-reset-required, the total size of a reused user's inline
// policies, and --website, through the CLI with mocked AWS.
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserTagsCommand,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteBucketWebsiteCommand,
  GetBucketWebsiteCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { mockClient } from 'aws-sdk-client-mock';
import type { PolicyDocument } from '../../../src/policies/documents';
import { storedPolicySize } from '../../../src/services/credentials/inline-size';
import { awsError } from '../support/aws-error';
import { create } from '../support/run-cli';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const ACCOUNT = '123456789012';

beforeEach(() => {
  iam.reset();
  s3.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/admin`, UserId: 'AID' });
  s3.on(HeadBucketCommand).resolves({});
  iam.on(GetUserCommand).rejects(awsError('NoSuchEntityException', 404));
  // Existing users in these tests were made by s3-share, with no other policies or groups.
  iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 's3-share:made-by', Value: 's3-share/0.1.0' }] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(ListGroupsForUserCommand).resolves({ Groups: [] });
  iam.on(GetAccountPasswordPolicyCommand).rejects(awsError('NoSuchEntityException', 404));
  iam.on(CreateAccessKeyCommand).resolves({
    AccessKey: { UserName: 'u', AccessKeyId: 'AKIANEW', SecretAccessKey: 'S'.repeat(40), Status: 'Active', CreateDate: new Date() },
  });
});

const writes = () =>
  [...iam.calls(), ...s3.calls(), ...sts.calls()]
    .sort((a, b) => (a as unknown as { callId: number }).callId - (b as unknown as { callId: number }).callId)
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
    .filter((n) => !/^(Get|Head|List)/.test(n));

describe('--bucket-owner', () => {
  it('passes ExpectedBucketOwner, and takes a 403 as "exists, another account\'s" with a notice', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('Unknown', 403));
    const r = await create(['partner-data', '--read-only', '--bucket-owner', '111122223333']);
    expect(r.code).toBe(0);
    expect(s3.commandCalls(HeadBucketCommand)[0]!.args[0].input).toEqual({ Bucket: 'partner-data', ExpectedBucketOwner: '111122223333' });
    expect(r.stderr).toMatch(
      /bucket partner-data exists but these credentials may not look at it \(403\): taking it to be account 111122223333's/,
    );
    expect(r.stderr).not.toMatch(/^error|warning/m);
    expect(writes()).toEqual(['CreateUser', 'PutUserPolicy', 'CreateAccessKey']);
    const doc = JSON.parse(iam.commandCalls(PutUserPolicyCommand)[0]!.args[0].input.PolicyDocument!) as PolicyDocument;
    expect(JSON.stringify(doc)).toContain('arn:aws:s3:::partner-data');
  });

  it('a 404 is still "does not exist"', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const r = await create(['gone', '--bucket-owner', '111122223333']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: bucket gone does not exist \(NoSuchBucket\)/);
    expect(writes()).toEqual([]);
  });

  it('without --bucket-owner a 403 is an error that suggests it', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('Unknown', 403));
    const r = await create(['theirs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/if it is in another account add --bucket-owner ACCOUNT_ID\n$/);
    expect(s3.commandCalls(HeadBucketCommand)[0]!.args[0].input).toEqual({ Bucket: 'theirs' });
    expect(writes()).toEqual([]);
  });

  it('waits for the key with STS only: the other account may not have granted it yet', async () => {
    const r = await create(['partner-data', '--read-only', '--bucket-owner', '111122223333'], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the new key works/);
    expect(s3.commandCalls(HeadBucketCommand)).toHaveLength(1); // only the existence check
  });

  it.each([
    [['b', '--bucket-owner', '12345']],
    [['b', '--bucket-owner', 'abcdefghijkl']],
    [['b', '--bucket-owner', '111122223333', '-c']],
    [['b', '--bucket-owner', '111122223333', '--public']],
    [['b', '--bucket-owner', '111122223333', '--website']],
  ])('%j is a usage error: exit 2, one line, no AWS call', async (args) => {
    const r = await create(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(sts.calls().length + iam.calls().length + s3.calls().length).toBe(0);
  });
});

async function decide(identity: PolicyDocument, action: string, resource: string, boundary?: PolicyDocument): Promise<string> {
  const result = await runSimulation(
    {
      identityPolicies: [{ name: 'inline', policy: identity }],
      ...(boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }] } : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action,
        principal: `arn:aws:iam::${ACCOUNT}:user/s3.read-only.photos`,
        resource: { accountId: ACCOUNT, resource },
        contextVariables: {},
      },
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe('--console --password-reset-required', () => {
  const userArn = `arn:aws:iam::${ACCOUNT}:user/s3.read-only.photos`;

  it('lets the user change its own password (and only its own), with no S3-only boundary, and says why', async () => {
    const r = await create(['photos', '--read-only', '--console', '--password-reset-required']);
    expect(r.code).toBe(0);
    expect(iam.commandCalls(CreateUserCommand)[0]!.args[0].input).toMatchObject({ UserName: 's3.read-only.photos' });
    expect(iam.commandCalls(CreateUserCommand)[0]!.args[0].input.PermissionsBoundary).toBeUndefined();
    expect(r.stderr).toMatch(/no permissions boundary for this user: the default S3-only boundary would block iam:ChangePassword/);
    const doc = JSON.parse(iam.commandCalls(PutUserPolicyCommand)[0]!.args[0].input.PolicyDocument!) as PolicyDocument;
    expect(doc.Statement).toEqual(
      expect.arrayContaining([
        { Sid: 'ChangeOwnPassword', Effect: 'Allow', Action: 'iam:ChangePassword', Resource: userArn },
        { Sid: 'ReadPasswordPolicy', Effect: 'Allow', Action: 'iam:GetAccountPasswordPolicy', Resource: '*' },
      ]),
    );
    expect(await decide(doc, 'iam:ChangePassword', userArn)).toBe('Allowed');
    expect(await decide(doc, 'iam:ChangePassword', `arn:aws:iam::${ACCOUNT}:user/someone-else`)).toBe('ImplicitlyDenied');
    expect(await decide(doc, 'iam:GetAccountPasswordPolicy', '*')).toBe('Allowed');
    expect(await decide(doc, 'iam:CreateAccessKey', userArn)).toBe('ImplicitlyDenied');
    expect(await decide(doc, 's3:GetObject', 'arn:aws:s3:::photos/a.txt')).toBe('Allowed');
    // Why the boundary has to go: an S3-only boundary (AmazonS3ReadOnlyAccess's statements) blocks it.
    const s3Only: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
          Resource: '*',
        },
      ],
    };
    expect(await decide(doc, 'iam:ChangePassword', userArn, s3Only)).toBe('ImplicitlyDenied');
  });

  it('without reset-required the policy has no IAM statement and the default boundary stays', async () => {
    await create(['photos', '--read-only', '--console']);
    expect(iam.commandCalls(CreateUserCommand)[0]!.args[0].input.PermissionsBoundary).toBe(
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    );
    expect(iam.commandCalls(PutUserPolicyCommand)[0]!.args[0].input.PolicyDocument).not.toContain('iam:');
  });

  it('an explicit boundary ARN with reset-required is a usage error; none is fine', async () => {
    const r = await create([
      'photos',
      '--console',
      '--password-reset-required',
      '--user-permissions-boundary',
      'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --user-permissions-boundary ARN and --password-reset-required conflict: the user must be allowed iam:ChangePassword/,
    );
    expect(iam.calls()).toHaveLength(0);
    const none = await create(['photos', '--console', '--password-reset-required', '--user-permissions-boundary', 'none']);
    expect(none.code).toBe(0);
    expect(none.stderr).not.toMatch(/no permissions boundary for this user/);
  });

  it('a reused user that keeps a boundary is warned', async () => {
    iam.on(GetUserCommand).resolves({
      User: {
        UserName: 'bob',
        Arn: 'arn:aws:iam::123456789012:user/bob',
        UserId: 'x',
        Path: '/',
        CreateDate: new Date(),
        PermissionsBoundary: {
          PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
        },
      },
    });
    iam.on(GetLoginProfileCommand).rejects(awsError('NoSuchEntityException', 404));
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    const r = await create(['photos', '--username', 'bob', '--console', '--password-reset-required']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: user bob keeps its permissions boundary arn:aws:iam::aws:policy\/AmazonS3FullAccess: unless it allows iam:ChangePassword/,
    );
  });
});

describe("a reused user's inline policies in total", () => {
  const big = (chars: number): string =>
    encodeURIComponent(
      JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'x'.repeat(chars)}/*` }],
        },
        null,
        2,
      ),
    );
  beforeEach(() => {
    iam
      .on(GetUserCommand)
      .resolves({ User: { UserName: 'bob', Arn: 'arn:aws:iam::123456789012:user/bob', UserId: 'x', Path: '/', CreateDate: new Date() } });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
  });

  it('measures a stored (URL-encoded, pretty) document without its whitespace', () => {
    expect(storedPolicySize(encodeURIComponent('{ "Version": "2012-10-17",\n "Statement": [] }'))).toBe(
      '{"Version":"2012-10-17","Statement":[]}'.length,
    );
    expect(storedPolicySize('not json %zz')).toBe('notjson%zz'.length);
  });

  it('over the 2,048 limit: refused before any write, naming the total and the limit', async () => {
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['old-a', 'old-b'] });
    iam.on(GetUserPolicyCommand).resolves({ UserName: 'bob', PolicyName: 'p', PolicyDocument: big(800) });
    const r = await create(['photos', '--read-only', '--username', 'bob']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(r.stderr).toMatch(
      /error: user bob's inline policies would total [\d,]+ characters \(not counting whitespace\), over AWS's 2,048-character limit for all of a user's inline policies: its 2 other inline policies have [\d,]+ and s3-share\.read-only\.[0-9a-f]{8} [\d,]+; remove one/,
    );
    expect(iam.commandCalls(GetUserPolicyCommand)).toHaveLength(2);
    expect(writes()).toEqual([]);
  });

  it('within the limit: goes ahead', async () => {
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['old-a'] });
    iam.on(GetUserPolicyCommand).resolves({ UserName: 'bob', PolicyName: 'old-a', PolicyDocument: big(800) });
    // old-a grants another bucket: beyond this grant, so the size is what this test is about.
    const r = await create(['photos', '--read-only', '--username', 'bob', '--allow-excess']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['TagUser', 'PutUserPolicy', 'CreateAccessKey']);
  });

  it('the policy being replaced (same name) is not counted twice', async () => {
    // Learn the name the grant gets, then have the user hold a large old copy of it.
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    const dry = await create(['photos', '--read-only', '--username', 'bob', '--dry-run']);
    const name = (JSON.parse(dry.stdout) as Array<{ operation: string; input: { PolicyName?: string } }>).find(
      (s) => s.operation === 'PutUserPolicy',
    )!.input.PolicyName!;
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [name, 'old-b'] });
    iam.on(GetUserPolicyCommand).resolves({ UserName: 'bob', PolicyName: 'p', PolicyDocument: big(1200) });
    const r = await create(['photos', '--read-only', '--username', 'bob', '--allow-excess']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/inline policies would total/);
  });
});

describe('--website', () => {
  it('puts index.html/error.html, and a rollback restores what the bucket had', async () => {
    s3.on(GetBucketWebsiteCommand).resolves({ IndexDocument: { Suffix: 'home.html' } });
    const dry = await create(['site', '--website', '--dry-run']);
    const plan = JSON.parse(dry.stdout) as Array<{ operation: string; input: Record<string, unknown> }>;
    expect(plan[0]).toMatchObject({
      operation: 'PutBucketWebsite',
      input: { Bucket: 'site', WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } } },
    });
    expect(writes()).toEqual([]);

    iam.on(CreateAccessKeyCommand).rejects(awsError('AccessDenied', 403));
    const r = await create(['site', '--website']);
    expect(r.code).toBe(1);
    const puts = s3.commandCalls(PutBucketWebsiteCommand).map((c) => c.args[0].input.WebsiteConfiguration?.IndexDocument?.Suffix);
    expect(puts).toEqual(['index.html', 'home.html']);
    expect(s3.commandCalls(DeleteBucketWebsiteCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(0); // --website alone does not make it public
  });

  it('a bucket without website settings gets them removed again on rollback', async () => {
    s3.on(GetBucketWebsiteCommand).rejects(awsError('NoSuchWebsiteConfiguration', 404));
    iam.on(CreateAccessKeyCommand).rejects(awsError('AccessDenied', 403));
    const r = await create(['site', '--website']);
    expect(r.code).toBe(1);
    expect(s3.commandCalls(DeleteBucketWebsiteCommand)).toHaveLength(1);
  });
});
