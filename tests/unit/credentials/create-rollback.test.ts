// What create's rollback takes back, and what it must leave: the new access key goes (after a
// later failure or an interruption), a user's own identical inline policy stays.
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  DeleteAccessKeyCommand,
  DeleteUserPolicyCommand,
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
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { OperationError } from '../../../src/errors';
import { planCreate } from '../../../src/services/credentials/create';
import { executePlan, step } from '../../../src/services/plan';
import { fakeIo } from '../support/fake-io';
import { awsError } from '../support/aws-error';
import { create, CREDS } from '../support/run-cli';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
const NEW_KEY = {
  UserName: 's3.read-only.photos',
  AccessKeyId: 'AKIANEW',
  SecretAccessKey: SECRET,
  Status: 'Active' as const,
  CreateDate: new Date('2025-01-01T00:00:00Z'),
};
const reporter = { info() {}, warn() {} };

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
  iam.on(GetLoginProfileCommand).rejects(awsError('NoSuchEntityException', 404));
  iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
});

/** The write calls, in the order sent. */
const writes = () =>
  [...iam.calls(), ...s3.calls(), ...sts.calls()]
    .sort((a, b) => (a as unknown as { callId: number }).callId - (b as unknown as { callId: number }).callId)
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
    .filter((n) => !/^(Get|Head|List)/.test(n));

const deletedKeys = () => iam.commandCalls(DeleteAccessKeyCommand).map((c) => c.args[0].input);

describe('create rolls back the access key it made', () => {
  it('when a step after CreateAccessKey fails: DeleteAccessKey for exactly the new key', async () => {
    const region = 'us-east-1';
    const clients = {
      iam: new IAMClient({ region }),
      sts: new STSClient({ region }),
      s3: new S3Client({ region }),
      s3InRegion: async () => new S3Client({ region }),
    };
    const plan = await planCreate(
      clients,
      {
        buckets: ['photos'],
        mode: 'read-only',
        policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::photos/*'] }] },
        createBucket: false,
        bucketRegion: 'us-east-1',
      },
      reporter,
    );
    expect(plan.steps.at(-1)!.operation).toBe('CreateAccessKey');
    // Nothing follows CreateAccessKey in create's plan today: this step stands for any that will.
    const later = step<unknown>({
      service: 'iam',
      operation: 'TagUser',
      description: 'a later step',
      input: {},
      run: async () => {
        throw new Error('later step failed');
      },
    });
    const err = await executePlan({ steps: [...plan.steps, later] }, { reporter }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as Error).message).toMatch(
      /^a later step failed: later step failed; rolled back: delete access key AKIANEW of user s3\.read-only\.photos, /,
    );
    expect(deletedKeys()).toEqual([{ UserName: 's3.read-only.photos', AccessKeyId: 'AKIANEW' }]);
    expect(writes()).toEqual(['CreateUser', 'PutUserPolicy', 'CreateAccessKey', 'DeleteAccessKey', 'DeleteUserPolicy', 'DeleteUser']);
  });

  it('when a signal arrives while CreateAccessKey is in flight: the call finishes, then its key is deleted', async () => {
    const f = fakeIo(CREDS);
    iam.on(CreateAccessKeyCommand).callsFake(async () => {
      f.interrupt('SIGINT');
      return { AccessKey: NEW_KEY };
    });
    const { main } = await import('../../../src/cli');
    const code = await main(['create', 'photos', '--read-only'], f.io);
    expect(code).toBe(130);
    expect(f.err()).toMatch(/interrupted by SIGINT; rolled back: delete access key AKIANEW of user s3\.read-only\.photos, /);
    expect(deletedKeys()).toEqual([{ UserName: 's3.read-only.photos', AccessKeyId: 'AKIANEW' }]);
    expect(writes()).toEqual(['CreateUser', 'PutUserPolicy', 'CreateAccessKey', 'DeleteAccessKey', 'DeleteUserPolicy', 'DeleteUser']);
    expect(f.out()).toBe('');
    expect(f.err()).not.toContain(SECRET);
  });

  it('rotate-key too: a signal during CreateAccessKey deletes the new key and leaves the old one', async () => {
    const f = fakeIo(CREDS);
    iam.on(GetUserCommand).resolves({
      User: { UserName: 'alice', Arn: 'arn:aws:iam::123456789012:user/alice', UserId: 'x', Path: '/', CreateDate: new Date() },
    });
    iam
      .on(ListAccessKeysCommand)
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAOLD', Status: 'Active', CreateDate: new Date('2024-01-01T00:00:00Z') }] });
    iam.on(CreateAccessKeyCommand).callsFake(async () => {
      f.interrupt('SIGTERM');
      return { AccessKey: { ...NEW_KEY, UserName: 'alice' } };
    });
    const { main } = await import('../../../src/cli');
    const code = await main(['rotate-key', 'alice'], f.io);
    expect(code).toBe(143);
    expect(writes()).toEqual(['CreateAccessKey', 'DeleteAccessKey']);
    expect(f.err()).toMatch(/interrupted by SIGTERM; rolled back: delete the new access key AKIANEW of user alice/);
    expect(deletedKeys()).toEqual([{ UserName: 'alice', AccessKeyId: 'AKIANEW' }]);
  });
});

describe("create's rollback leaves what an existing user had", () => {
  const BOB = {
    UserName: 'bob',
    Arn: 'arn:aws:iam::123456789012:user/bob',
    UserId: 'x',
    Path: '/',
    CreateDate: new Date(),
    // Already the boundary create would set, so the plan has no boundary step to undo.
    PermissionsBoundary: {
      PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const,
    },
  };
  const ARGS = ['photos', '--read-only', '--username', 'bob', '--console'];

  beforeEach(() => {
    iam.on(GetUserCommand).resolves({ User: BOB });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAOLD' }] });
    iam.on(GetUserPolicyCommand).resolves({ PolicyDocument: encodeURIComponent('{"Version":"2012-10-17","Statement":[]}') });
  });

  /** The name create gives this grant's inline policy: it ends with a hash of the content. */
  async function policyName(): Promise<string> {
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    const r = await create([...ARGS, '--dry-run']);
    const put = (JSON.parse(r.stdout) as Array<{ operation: string; input: { PolicyName: string } }>).find(
      (s) => s.operation === 'PutUserPolicy',
    );
    iam.resetHistory();
    return put!.input.PolicyName;
  }

  it('the very same inline policy (name and content) is refreshed, and not deleted by a later failure', async () => {
    const name = await policyName();
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [name] });
    iam.on(CreateAccessKeyCommand).rejects(awsError('LimitExceededException', 409));
    const r = await create(ARGS);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`refresh inline policy ${name} of user bob`);
    expect(iam.commandCalls(PutUserPolicyCommand).map((c) => c.args[0].input.PolicyName)).toEqual([name]);
    // The grant tag is a change of this run: it is restored (the tag removed) like the rest.
    expect(writes()).toEqual(['TagUser', 'PutUserPolicy', 'CreateLoginProfile', 'CreateAccessKey', 'DeleteLoginProfile', 'UntagUser']);
    expect(iam.commandCalls(DeleteUserPolicyCommand)).toHaveLength(0);
    expect(iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(1);
  });

  it('while a policy the user did not have is deleted again', async () => {
    const name = await policyName();
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    iam.on(CreateAccessKeyCommand).rejects(awsError('LimitExceededException', 409));
    const r = await create(ARGS);
    expect(r.code).toBe(1);
    expect(writes()).toEqual([
      'TagUser',
      'PutUserPolicy',
      'CreateLoginProfile',
      'CreateAccessKey',
      'DeleteLoginProfile',
      'DeleteUserPolicy',
      'UntagUser',
    ]);
    expect(iam.commandCalls(DeleteUserPolicyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: 'bob', PolicyName: name }]);
  });
});
