// create's and rotate-key's checks before a key is printed (#14): whose user it is, its boundary,
// what the key could do beyond the grant, and never a key for the caller itself.
import {
  CreateAccessKeyCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  PutUserPermissionsBoundaryCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError } from '../support/aws-error';
import { create, runCli } from '../support/run-cli';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const ACCOUNT = '123456789012';
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
const doc = (Action: string, Resource: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });
const enc = (d: unknown) => encodeURIComponent(JSON.stringify(d));

interface Existing {
  tags?: Record<string, string>;
  inline?: Record<string, unknown>;
  attached?: Record<string, unknown>;
  groups?: Record<string, { inline?: Record<string, unknown>; attached?: Record<string, unknown> }>;
  boundary?: string;
}

/** One existing user "bob" (or none) in an account whose caller is "admin". */
function account(bob?: Existing) {
  iam.reset();
  s3.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/admin`, UserId: 'AID' });
  s3.on(HeadBucketCommand).resolves({});
  iam
    .on(CreateAccessKeyCommand)
    .resolves({ AccessKey: { UserName: 'bob', AccessKeyId: 'AKIANEW', SecretAccessKey: 'sekret', Status: 'Active' } });
  if (!bob) {
    iam.on(GetUserCommand).rejects(awsError('NoSuchEntityException', 404));
    return;
  }
  const policies: Record<string, unknown> = { ...bob.attached };
  for (const g of Object.values(bob.groups ?? {})) Object.assign(policies, g.attached);
  iam.on(GetUserCommand).resolves({
    User: {
      UserName: 'bob',
      Arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      UserId: 'x',
      Path: '/',
      CreateDate: new Date(),
      ...(bob.boundary ? { PermissionsBoundary: { PermissionsBoundaryArn: bob.boundary } } : {}),
    },
  });
  iam.on(ListUserTagsCommand).resolves({ Tags: Object.entries(bob.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAOLD', Status: 'Active', CreateDate: new Date() }] });
  iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: Object.keys(bob.inline ?? {}) });
  iam.on(GetUserPolicyCommand).callsFake(async ({ PolicyName }) => ({ PolicyDocument: enc(bob.inline?.[PolicyName]) }));
  iam
    .on(ListAttachedUserPoliciesCommand)
    .resolves({ AttachedPolicies: Object.keys(bob.attached ?? {}).map((PolicyArn) => ({ PolicyArn })) });
  iam.on(ListGroupsForUserCommand).callsFake(async () => ({ Groups: Object.keys(bob.groups ?? {}).map((GroupName) => ({ GroupName })) }));
  iam
    .on(ListGroupPoliciesCommand)
    .callsFake(async ({ GroupName }) => ({ PolicyNames: Object.keys(bob.groups?.[GroupName]?.inline ?? {}) }));
  iam
    .on(GetGroupPolicyCommand)
    .callsFake(async ({ GroupName, PolicyName }) => ({ PolicyDocument: enc(bob.groups?.[GroupName]?.inline?.[PolicyName]) }));
  iam.on(ListAttachedGroupPoliciesCommand).callsFake(async ({ GroupName }) => ({
    AttachedPolicies: Object.keys(bob.groups?.[GroupName]?.attached ?? {}).map((PolicyArn) => ({ PolicyArn })),
  }));
  iam.on(GetPolicyCommand).callsFake(async ({ PolicyArn }) => ({ Policy: { Arn: PolicyArn, DefaultVersionId: 'v1' } }));
  iam.on(GetPolicyVersionCommand).callsFake(async ({ PolicyArn }) => ({ PolicyVersion: { Document: enc(policies[PolicyArn!]) } }));
}

const writes = () =>
  [...iam.calls(), ...s3.calls(), ...sts.calls()]
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
    .filter((n) => !/^(Get|Head|List)/.test(n));
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
const OURS = { 's3-share:made-by': 's3-share/0.0.9', 's3-share:grant': 'read-only photos' };

describe('reusing an existing user', () => {
  it('one that s3-share did not make needs --reuse-user: exit 2, one line naming it, no write', async () => {
    account({});
    const r = await create(['photos', '--read-only', '--username', 'bob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: user bob exists and was not made by s3-share: add --reuse-user/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(writes()).toEqual([]);
  });

  it("with --reuse-user it gets the grant and a key, and is not marked as s3-share's", async () => {
    account({});
    const r = await create(['photos', '--read-only', '--username', 'bob', '--reuse-user']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['PutUserPolicy', 'CreateAccessKey']);
  });

  it("one made by an s3-share from before the tags (an s3-share.* policy, no tags) is s3-share's: reused and tagged", async () => {
    account({ inline: { 's3-share.read-only.0123abcd': doc('s3:GetObject', 'arn:aws:s3:::photos/*') } });
    const r = await create(['photos', '--read-only', '--username', 'bob']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['TagUser', 'PutUserPolicy', 'CreateAccessKey']);
    const tags = iam.commandCalls(TagUserCommand)[0]!.args[0].input.Tags!;
    expect(tags.map((t) => t.Key).sort()).toEqual(['s3-share:grant', 's3-share:made-by']);
  });

  it('a tagged one is reused, and only its grant tag is updated', async () => {
    account({ tags: OURS });
    const r = await create(['photos', '--username', 'bob']);
    expect(r.code).toBe(0);
    expect(iam.commandCalls(TagUserCommand)[0]!.args[0].input.Tags).toEqual([{ Key: 's3-share:grant', Value: 'read-write photos' }]);
  });
});

describe('reusing a user whose tags cannot be read', () => {
  it("counts it as not s3-share's: --reuse-user is needed, unless an s3-share policy marks it", async () => {
    account({ tags: OURS });
    iam.on(ListUserTagsCommand).rejects(awsError('AccessDenied', 403, 'not authorized to perform: iam:ListUserTags'));
    const r = await create(['photos', '--read-only', '--username', 'bob']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)[0]).toMatch(/add --reuse-user/);
    account({ inline: { 's3-share.read-only.0123abcd': doc('s3:GetObject', 'arn:aws:s3:::photos/*') } });
    iam.on(ListUserTagsCommand).rejects(awsError('AccessDenied', 403));
    expect((await create(['photos', '--read-only', '--username', 'bob'])).code).toBe(0);
  });
});

describe("an existing user's boundary", () => {
  it('is kept when the mode would default to another: said on stderr, no boundary call', async () => {
    account({ tags: OURS });
    const r = await create(['photos', '--read-only', '--username', 'bob']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /user bob keeps its permissions boundary \(none\); add --replace-boundary to set arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess/,
    );
    expect(iam.commandCalls(PutUserPermissionsBoundaryCommand)).toHaveLength(0);
  });

  it('an explicit other boundary needs --replace-boundary: exit 2 naming it, no write; with it, set and undone on failure', async () => {
    account({ tags: OURS, boundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' });
    const args = [
      'photos',
      '--read-only',
      '--username',
      'bob',
      '--user-permissions-boundary',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    ];
    const r = await create(args);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      'error: user bob exists with permissions boundary arn:aws:iam::aws:policy/AmazonS3FullAccess: setting arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess on it needs --replace-boundary, or leave out --user-permissions-boundary to keep it',
    ]);
    expect(writes()).toEqual([]);
    iam.on(CreateAccessKeyCommand).rejects(awsError('LimitExceededException', 409));
    const replaced = await create([...args, '--replace-boundary']);
    expect(replaced.code).toBe(1);
    // Its grant tag already says read-only photos: no tag step.
    expect(writes()).toEqual([
      'PutUserPermissionsBoundary',
      'PutUserPolicy',
      'CreateAccessKey',
      'DeleteUserPolicy',
      'PutUserPermissionsBoundary',
    ]);
    const calls = iam.commandCalls(PutUserPermissionsBoundaryCommand).map((c) => c.args[0].input.PermissionsBoundary);
    expect(calls).toEqual(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3FullAccess']);
  });
});

describe('what the key could do beyond the grant', () => {
  it('an administrator is refused even with --reuse-user: exit 1, one line naming the excess and the policy, nothing changed', async () => {
    account({ attached: { [ADMIN_POLICY]: doc('*', '*') } });
    const r = await create(['photos', '--read-only', '--username', 'bob', '--reuse-user']);
    expect(r.code).toBe(1);
    const [line, ...more] = errorLines(r.stderr);
    expect(more).toEqual([]);
    expect(line).toMatch(/^error: user bob could do more than this grant, so no key was issued and nothing was changed: iam:/);
    expect(line).toMatch(/allowed by user bob managed AdministratorAccess/);
    expect(line).toMatch(/or pass --allow-excess to issue it anyway$/);
    expect(writes()).toEqual([]);
  });

  it('a group-attached policy granting another bucket: refused naming that bucket and the group', async () => {
    account({
      tags: OURS,
      groups: {
        partners: { attached: { [`arn:aws:iam::${ACCOUNT}:policy/partner-read`]: doc('s3:GetObject', 'arn:aws:s3:::partner-data/*') } },
      },
    });
    const r = await create(['photos', '--read-only', '--username', 'bob']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(/s3:GetObject on arn:aws:s3:::partner-data\/.*allowed by group partners managed partner-read/);
    expect(writes()).toEqual([]);
  });

  it('another folder of the same bucket counts too (a prefix user holding bob/ asked for alice/)', async () => {
    account({ tags: OURS, inline: { 's3-share.read-write.0123abcd': doc('s3:*', 'arn:aws:s3:::photos/bob/*') } });
    const r = await create(['photos', '--prefix', 'alice/', '--username', 'bob']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(/arn:aws:s3:::photos\/bob\//);
  });

  it('--allow-excess issues the key with a warning naming the excess; a Deny that covers the rest passes', async () => {
    account({ attached: { [ADMIN_POLICY]: doc('*', '*') } });
    const r = await create(['photos', '--read-only', '--username', 'bob', '--reuse-user', '--allow-excess']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: user bob can do more than this grant \(--allow-excess\): iam:/);
    expect(writes()).toEqual(['PutUserPolicy', 'CreateAccessKey']);
    const denied = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', NotAction: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'], Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::photos', 'arn:aws:s3:::photos/*'] },
      ],
    };
    account({ tags: OURS, inline: { fence: denied }, attached: { [ADMIN_POLICY]: doc('*', '*') } });
    const fenced = await create(['photos', '--read-only', '--username', 'bob']);
    expect(errorLines(fenced.stderr)).toEqual([]);
    expect(fenced.code).toBe(0);
  });

  it('--dry-run shows the verdict: a clean one as a line, an excess as the same refusal', async () => {
    account();
    const clean = await create(['photos', '--read-only', '--dry-run']);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toMatch(/checked: user s3\.read-only\.photos can do nothing beyond this grant/);
    account({ attached: { [ADMIN_POLICY]: doc('*', '*') } });
    const refused = await create(['photos', '--read-only', '--username', 'bob', '--reuse-user', '--dry-run']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
  });

  it('policies that cannot be read fail the check, never pass it', async () => {
    account({ tags: OURS });
    iam
      .on(ListAttachedUserPoliciesCommand)
      .rejects(awsError('AccessDenied', 403, 'not authorized to perform: iam:ListAttachedUserPolicies'));
    const r = await create(['photos', '--username', 'bob']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(
      /^error: cannot read the policies of user bob to check what the new key could do .*or pass --allow-excess/,
    );
    expect(writes()).toEqual([]);
  });
});

describe('--role', () => {
  it('the role is new and checked; an existing user that holds more than sts:AssumeRole is refused', async () => {
    const { GetRoleCommand } = await import('@aws-sdk/client-iam');
    account({ tags: OURS, inline: { 's3-share.read-only.0123abcd': doc('s3:GetObject', 'arn:aws:s3:::photos/*') } });
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException', 404));
    const r = await create(['photos', '--read-only', '--username', 'bob', '--role', 'photos-reader']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/checked: role photos-reader can do nothing beyond this grant/);
    // The user's old direct grant would stay beside the role: the barren user is not barren.
    expect(errorLines(r.stderr)[0]).toMatch(/^error: user bob could do more than this grant.*s3:GetObject on arn:aws:s3:::photos\//);
    expect(writes()).toEqual([]);
  });
});

describe('the identity running s3-share', () => {
  it('create never makes a key for it: exit 2, one line, no write', async () => {
    account();
    const r = await create(['photos', '--username', 'admin']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      `error: user admin is the identity running s3-share (arn:aws:iam::${ACCOUNT}:user/admin): s3-share never issues a key for its own caller; choose another --username`,
    ]);
    expect(writes()).toEqual([]);
  });

  it('rotate-key neither', async () => {
    account({});
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/bob` });
    const r = await runCli(['rotate-key', 'bob']);
    expect(r.code).toBe(2);
    expect(writes()).toEqual([]);
  });
});

describe('rotate-key checks the user as it stands', () => {
  it('a user with more than its s3-share policies: refused, nothing changed; --allow-excess rotates', async () => {
    account({
      tags: OURS,
      inline: { 's3-share.read-only.0123abcd': doc('s3:GetObject', 'arn:aws:s3:::photos/*') },
      groups: { ops: { inline: { everything: doc('s3:*', '*') } } },
    });
    const r = await runCli(['rotate-key', 'bob']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(/^error: user bob could do more than this grant.*allowed by group ops inline everything/);
    expect(writes()).toEqual([]);
    const forced = await runCli(['rotate-key', 'bob', '--allow-excess']);
    expect(forced.code).toBe(0);
    expect(writes()).toEqual(['CreateAccessKey', 'DeleteAccessKey']);
  });

  it('a user holding only its s3-share grant rotates', async () => {
    account({ tags: OURS, inline: { 's3-share.read-only.0123abcd': doc('s3:GetObject', 'arn:aws:s3:::photos/*') } });
    const r = await runCli(['rotate-key', 'bob']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/checked: user bob can do nothing beyond this grant/);
  });
});
