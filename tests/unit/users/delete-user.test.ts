import {
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { isS3ShareManagedPolicy } from '../../../src/policies/ownership';
import { assumableRoleArns, trustNamesOnly } from '../../../src/policies/trust';
import { deleteUsers, type DeleteUsersInput } from '../../../src/services/users/delete/delete-users';
import { silentReporter } from '../../../src/output/reporter';
import { ACCOUNT, fakeIam, noSuchEntity, userArn, writeCalls, type FakeAccount } from '../support/mock-iam';

const ours = `arn:aws:iam::${ACCOUNT}:policy/s3-share/s3-share.read-only.alice`;
const awsManaged = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const boundary = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
const virtualMfa = `arn:aws:iam::${ACCOUNT}:mfa/alice-phone`;
const s3Policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/alice/*' }] };

function fullAccount(): FakeAccount {
  return {
    users: {
      alice: {
        keys: ['AKIA1', 'AKIA2'],
        inline: { 's3-share.read-only.abc': s3Policy },
        attached: [awsManaged, ours],
        loginProfile: true,
        mfa: ['GAHT12345678', virtualMfa],
        certs: ['CERT1'],
        ssh: ['APKA1'],
        serviceCreds: ['ACCA1'],
        groups: ['readers'],
        boundary,
      },
      bob: { keys: ['AKIAB'] },
      carol: { inline: { p: s3Policy } },
    },
    policies: { [ours]: { document: s3Policy, attachments: 1, versions: ['v2'] }, [awsManaged]: { document: {}, attachments: 10 } },
  };
}

const input = (users: string[], extra: Partial<DeleteUsersInput> = {}): DeleteUsersInput => ({
  users,
  concurrency: 4,
  dryRun: false,
  deleteObjects: false,
  ...extra,
});

let iam: ReturnType<typeof fakeIam>;
afterEach(() => iam?.restore());

describe('deleteUsers', () => {
  test('removes every kind of item, in order, then the user', async () => {
    iam = fakeIam(fullAccount());
    const [alice] = await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), silentReporter);
    expect(alice!.error).toBeUndefined();
    expect(writeCalls(iam)).toEqual([
      'DeleteAccessKey',
      'DeleteAccessKey',
      'DeleteUserPolicy',
      'DetachUserPolicy',
      'DetachUserPolicy',
      'DeletePolicyVersion',
      'DeletePolicy',
      'DeleteLoginProfile',
      'DeactivateMFADevice',
      'DeactivateMFADevice',
      'DeleteVirtualMFADevice',
      'DeleteSigningCertificate',
      'DeleteSSHPublicKey',
      'DeleteServiceSpecificCredential',
      'RemoveUserFromGroup',
      'DeleteUserPermissionsBoundary',
      'DeleteUser',
    ]);
    expect(alice!.removed.map((r) => `${r.Type} ${r.Id}`)).toEqual([
      'access-key AKIA1',
      'access-key AKIA2',
      'inline-policy s3-share.read-only.abc',
      `managed-policy ${awsManaged}`,
      `managed-policy ${ours}`,
      `policy ${ours}`,
      'login-profile alice',
      'mfa-device GAHT12345678',
      `mfa-device ${virtualMfa}`,
      'signing-certificate CERT1',
      'ssh-key APKA1',
      'service-credential ACCA1',
      'group-membership readers',
      `permissions-boundary ${boundary}`,
      'user alice',
    ]);
    expect(alice!.removed.every((r) => r.UserName === 'alice')).toBe(true);
    // the AWS-managed policy is only detached; the virtual MFA device is deleted by serial
    expect(iam.commandCalls(DeleteUserCommand)[0]!.args[0].input).toEqual({ UserName: 'alice' });
  });

  test('a managed policy s3-share made that others still use is detached, not deleted', async () => {
    const account = fullAccount();
    account.policies![ours]!.attachments = 3;
    iam = fakeIam(account);
    const [alice] = await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), silentReporter);
    expect(alice!.error).toBeUndefined();
    expect(writeCalls(iam)).not.toContain('DeletePolicy');
  });

  test('NoSuchEntity part way (already removed by an earlier run) is skipped and the run completes', async () => {
    iam = fakeIam(fullAccount());
    iam.on(DeleteAccessKeyCommand).rejects(noSuchEntity('access key'));
    iam.on(DeleteUserPolicyCommand).rejects(noSuchEntity('policy'));
    const [alice] = await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), silentReporter);
    expect(alice!.error).toBeUndefined();
    expect(alice!.removed.map((r) => r.Type)).not.toContain('access-key');
    expect(alice!.removed.map((r) => r.Type)).not.toContain('inline-policy');
    expect(alice!.removed.at(-1)).toEqual({ UserName: 'alice', Type: 'user', Id: 'alice' });
  });

  test('a missing user is an error naming it; the others are still deleted', async () => {
    iam = fakeIam(fullAccount());
    const out = await deleteUsers({ iam: new IAMClient({}) }, input(['ghost', 'bob']), silentReporter);
    expect(out[0]).toEqual({ UserName: 'ghost', error: 'user ghost does not exist (NoSuchEntity)', removed: [] });
    expect(out[1]!.error).toBeUndefined();
    expect(out[1]!.removed.map((r) => r.Type)).toEqual(['access-key', 'user']);
  });

  test('one failing user among three: the other two are deleted, the failure names the step', async () => {
    iam = fakeIam(fullAccount());
    iam
      .on(DeleteUserCommand, { UserName: 'bob' })
      .rejects(Object.assign(new Error('Cannot delete entity, must remove tokens first.'), { name: 'DeleteConflict', $metadata: {} }));
    const out = await deleteUsers({ iam: new IAMClient({}) }, input(['alice', 'bob', 'carol']), silentReporter);
    expect(out.map((o) => [o.UserName, !!o.error])).toEqual([
      ['alice', false],
      ['bob', true],
      ['carol', false],
    ]);
    expect(out[1]!.error).toMatch(/^removing user bob failed: Cannot delete entity, must remove tokens first \(DeleteConflict\)/);
    expect(
      iam
        .commandCalls(DeleteUserCommand)
        .map((c) => c.args[0].input.UserName)
        .sort(),
    ).toEqual(['alice', 'bob', 'carol']);
  });

  test('at most --concurrency users in flight', async () => {
    const users: FakeAccount['users'] = {};
    for (let i = 0; i < 10; i++) users[`u${i}`] = { keys: ['K'] };
    iam = fakeIam({ users });
    let inFlight = 0;
    let peak = 0;
    const seen = new Set<string>();
    iam.on(GetUserCommand).callsFake(async ({ UserName }) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      seen.add(UserName);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { User: { UserName, Arn: userArn(UserName) } };
    });
    const out = await deleteUsers({ iam: new IAMClient({}) }, input(Object.keys(users), { concurrency: 3 }), silentReporter);
    expect(peak).toBe(3);
    expect(seen.size).toBe(10);
    expect(out.every((o) => !o.error)).toBe(true);
  });

  test('a dry run discovers everything and makes no write call', async () => {
    iam = fakeIam(fullAccount());
    const records: unknown[] = [];
    const out = await deleteUsers(
      { iam: new IAMClient({}) },
      input(['alice', 'bob', 'ghost'], { dryRun: true, onRecord: (r) => records.push(r) }),
      silentReporter,
    );
    expect(writeCalls(iam)).toEqual([]);
    expect(out[0]!.removed).toHaveLength(15);
    expect(out[2]!.error).toMatch(/ghost does not exist/);
    expect(records).toHaveLength(15 + 2);
    expect(records[0]).toEqual({ UserName: 'alice', Type: 'access-key', Id: 'AKIA1' });
  });

  test('a listing IAM returns in pages is read to the last page', async () => {
    iam = fakeIam({ users: { dave: {} } });
    iam
      .on(ListAccessKeysCommand, { UserName: 'dave', Marker: undefined })
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIA1' }], IsTruncated: true, Marker: 'm1' })
      .on(ListAccessKeysCommand, { UserName: 'dave', Marker: 'm1' })
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIA2' }], IsTruncated: false });
    const [dave] = await deleteUsers({ iam: new IAMClient({}) }, input(['dave'], { dryRun: true }), silentReporter);
    expect(dave!.removed.map((r) => `${r.Type} ${r.Id}`)).toEqual(['access-key AKIA1', 'access-key AKIA2', 'user dave']);
    expect(iam.commandCalls(ListAccessKeysCommand)).toHaveLength(2);
  });
});

describe('roles made by create --role', () => {
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/alice-share`;
  const assume = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }] };
  const pinnedTrust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'sts:AssumeRole',
        Condition: { ArnEquals: { 'aws:PrincipalArn': userArn('alice') } },
      },
    ],
  };
  const account = (extra: Partial<FakeAccount> = {}): FakeAccount => ({
    users: { alice: { keys: ['K'], inline: { 's3-share.assume-role.x': assume } } },
    roles: { 'alice-share': { trust: pinnedTrust, inline: { grant: s3Policy } } },
    ...extra,
  });

  test('a role whose trust admits only the user is deleted (policies first), before the inline policy that names it', async () => {
    iam = fakeIam(account());
    const [alice] = await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), silentReporter);
    expect(alice!.error).toBeUndefined();
    expect(writeCalls(iam)).toEqual(['DeleteAccessKey', 'DeleteRolePolicy', 'DeleteRole', 'DeleteUserPolicy', 'DeleteUser']);
    expect(alice!.removed.map((r) => r.Type)).toEqual(['access-key', 'role', 'inline-policy', 'user']);
  });

  test('a role tagged s3-share:user=alice is deleted even with a wider trust', async () => {
    iam = fakeIam(
      account({
        roles: {
          'alice-share': {
            trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] },
            tags: { 's3-share:user': 'alice' },
          },
        },
      }),
    );
    const [alice] = await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), silentReporter);
    expect(writeCalls(iam)).toContain('DeleteRole');
    expect(alice!.error).toBeUndefined();
  });

  test('a role another user also names is kept, with a warning', async () => {
    iam = fakeIam(account({ otherUsers: { bob: assume } }));
    const warnings: string[] = [];
    const [alice] = await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), { info() {}, warn: (m) => warnings.push(m) });
    expect(alice!.error).toBeUndefined();
    expect(writeCalls(iam)).not.toContain('DeleteRole');
    expect(warnings.join('\n')).toMatch(/role alice-share is also named by user bob: kept/);
  });

  test('the account scan reads every page: a user named on the second page keeps the role', async () => {
    iam = fakeIam(account());
    iam
      .on(GetAccountAuthorizationDetailsCommand, { Marker: undefined })
      .resolves({ UserDetailList: [], IsTruncated: true, Marker: 'p2' })
      .on(GetAccountAuthorizationDetailsCommand, { Marker: 'p2' })
      .resolves({
        UserDetailList: [
          { UserName: 'bob', UserPolicyList: [{ PolicyName: 'p', PolicyDocument: encodeURIComponent(JSON.stringify(assume)) }] },
        ],
        IsTruncated: false,
      });
    const warnings: string[] = [];
    const [alice] = await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), { info() {}, warn: (m) => warnings.push(m) });
    expect(alice!.error).toBeUndefined();
    expect(writeCalls(iam)).not.toContain('DeleteRole');
    expect(warnings.join('\n')).toMatch(/role alice-share is also named by user bob: kept/);
  });

  test('a role not tagged and trusting others is kept', async () => {
    iam = fakeIam(
      account({
        roles: {
          'alice-share': {
            trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] },
          },
        },
      }),
    );
    await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), silentReporter);
    expect(writeCalls(iam)).not.toContain('DeleteRole');
  });

  test('an already deleted role is skipped', async () => {
    iam = fakeIam(account({ roles: {} }));
    const [alice] = await deleteUsers({ iam: new IAMClient({}) }, input(['alice']), silentReporter);
    expect(alice!.error).toBeUndefined();
    expect(alice!.removed.map((r) => r.Type)).toEqual(['access-key', 'inline-policy', 'user']);
  });
});

describe('recognisers', () => {
  test.each([
    [`arn:aws:iam::${ACCOUNT}:policy/s3-share/anything`, true],
    [`arn:aws:iam::${ACCOUNT}:policy/s3-share.read-only.x`, true],
    [`arn:aws:iam::${ACCOUNT}:policy/team/s3-share-bucket`, true],
    [`arn:aws:iam::${ACCOUNT}:policy/my-policy`, false],
    ['arn:aws:iam::aws:policy/s3-share-lookalike', false],
  ])('isS3ShareManagedPolicy(%s) = %s', (arn, expected) => expect(isS3ShareManagedPolicy(arn)).toBe(expected));

  test('trustNamesOnly', () => {
    const alice = userArn('alice');
    const stmt = (Principal: unknown, Condition?: unknown) => ({
      Statement: [{ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) }],
    });
    expect(trustNamesOnly(stmt({ AWS: alice }), alice)).toBe(true);
    expect(trustNamesOnly(stmt({ AWS: [alice] }), alice)).toBe(true);
    expect(trustNamesOnly(stmt({ AWS: [alice, userArn('bob')] }), alice)).toBe(false);
    expect(trustNamesOnly(stmt({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), alice)).toBe(false);
    expect(trustNamesOnly(stmt({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { ArnEquals: { 'aws:PrincipalArn': alice } }), alice)).toBe(true);
    expect(trustNamesOnly(stmt({ AWS: 'arn:aws:iam::999999999999:root' }, { ArnEquals: { 'aws:PrincipalArn': alice } }), alice)).toBe(
      false,
    );
    expect(trustNamesOnly(stmt({ Service: 'ec2.amazonaws.com' }), alice)).toBe(false);
  });

  test('assumableRoleArns: literal role ARNs from AssumeRole-only statements', () => {
    const r = `arn:aws:iam::${ACCOUNT}:role/x`;
    expect(
      assumableRoleArns([{ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [r, `arn:aws:iam::${ACCOUNT}:role/*`] }] }]),
    ).toEqual([r]);
    expect(assumableRoleArns([{ Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 's3:*'], Resource: r }] }])).toEqual([]);
    expect(assumableRoleArns([{ Statement: { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: r } }])).toEqual([]);
  });
});
