import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { whoami } from '../../../src/services/users/identity';
import { decodePolicyDocument } from '../../../src/policies/statements';
import { listUserPolicies } from '../../../src/services/users/policies';
import { listUsers } from '../../../src/services/users/list';
import { awsError } from '../support/aws-error';

const iamMock = mockClient(IAMClient);
const stsMock = mockClient(STSClient);
const iam = new IAMClient({ region: 'us-east-1' });

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeEach(() => {
  iamMock.reset();
  stsMock.reset();
});

describe('whoami', () => {
  it('returns the caller identity', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ UserId: 'AID', Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/me' });
    await expect(whoami(new STSClient({ region: 'us-east-1' }))).resolves.toEqual({
      UserId: 'AID',
      Account: '111122223333',
      Arn: 'arn:aws:iam::111122223333:user/me',
    });
  });
});

describe('listUsers', () => {
  it('follows every page', async () => {
    const d = new Date('2024-01-02T03:04:05Z');
    iamMock
      .on(ListUsersCommand, { Marker: undefined })
      .resolves({ Users: [{ UserName: 'a', UserId: '1', Arn: 'arn:a', Path: '/', CreateDate: d }], IsTruncated: true, Marker: 'm1' })
      .on(ListUsersCommand, { Marker: 'm1' })
      .resolves({ Users: [{ UserName: 'b', UserId: '2', Arn: 'arn:b', Path: '/x/', CreateDate: d }], IsTruncated: false });
    const users = await all(listUsers(iam));
    expect(users.map((u) => u.UserName)).toEqual(['a', 'b']);
    expect(users[1]).toMatchObject({ Path: '/x/', CreateDate: '2024-01-02T03:04:05.000Z' });
    expect(iamMock.commandCalls(ListUsersCommand)).toHaveLength(2);
  });
});

describe('listUserPolicies', () => {
  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
  const managedArn = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

  function account(users: string[]) {
    // These tests cover the per-user path: the caller may not read the account's details.
    iamMock.on(GetAccountAuthorizationDetailsCommand).rejects(awsError('AccessDenied'));
    iamMock
      .on(ListUsersCommand)
      .resolves({ Users: users.map((UserName) => ({ UserName, UserId: UserName, Arn: UserName, Path: '/', CreateDate: new Date() })) });
    iamMock.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['p1', 'p2'] });
    iamMock.on(GetUserPolicyCommand).callsFake(async (input) => {
      await new Promise((r) => setTimeout(r, 3));
      return { UserName: input.UserName, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(JSON.stringify(doc)) };
    });
    iamMock
      .on(ListAttachedUserPoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: managedArn }] });
    iamMock.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v3' } });
    iamMock
      .on(GetPolicyVersionCommand)
      .resolves({ PolicyVersion: { Document: encodeURIComponent('{"Version":"2012-10-17","Statement":[]}') } });
  }

  it('returns one decoded record per user and policy, in user order', async () => {
    account(['u1', 'u2', 'u3']);
    const records = await all(listUserPolicies(iam, { users: [], concurrency: 4 }));
    expect(records.map((r) => `${r.UserName}/${r.PolicyName}/${r.PolicyType}`)).toEqual([
      'u1/p1/inline',
      'u1/p2/inline',
      'u1/AmazonS3ReadOnlyAccess/managed',
      'u2/p1/inline',
      'u2/p2/inline',
      'u2/AmazonS3ReadOnlyAccess/managed',
      'u3/p1/inline',
      'u3/p2/inline',
      'u3/AmazonS3ReadOnlyAccess/managed',
    ]);
    expect(records[0].Document).toEqual(doc);
    expect(records[2]).toMatchObject({ PolicyArn: managedArn, Document: { Version: '2012-10-17', Statement: [] } });
  });

  it('fetches a managed policy shared by many users once', async () => {
    account(['u1', 'u2', 'u3', 'u4']);
    await all(listUserPolicies(iam, { users: [], concurrency: 8 }));
    expect(iamMock.commandCalls(GetPolicyCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(GetPolicyVersionCommand)).toHaveLength(1);
  });

  it('reads only the named users, without listing the account', async () => {
    account(['u1', 'u2']);
    const records = await all(listUserPolicies(iam, { users: ['u2'], concurrency: 2 }));
    expect(new Set(records.map((r) => r.UserName))).toEqual(new Set(['u2']));
    expect(iamMock.commandCalls(ListUsersCommand)).toHaveLength(0);
  });

  it.each([1, 3, 8])('keeps at most %i requests in flight', async (concurrency) => {
    account(Array.from({ length: 20 }, (_, i) => `u${i}`));
    let active = 0;
    let peak = 0;
    iamMock.on(GetUserPolicyCommand).callsFake(async (input) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      return { PolicyDocument: encodeURIComponent(JSON.stringify(doc)), ...input };
    });
    const records = await all(listUserPolicies(iam, { users: [], concurrency }));
    expect(records).toHaveLength(60);
    expect(peak).toBeLessThanOrEqual(concurrency);
    if (concurrency > 1) expect(peak).toBeGreaterThan(1);
  });

  it('fails with the AWS error of a missing user', async () => {
    iamMock.on(ListUserPoliciesCommand).rejects(awsError('NoSuchEntity'));
    iamMock.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
    await expect(all(listUserPolicies(iam, { users: ['ghost'], concurrency: 2 }))).rejects.toThrow('NoSuchEntity');
  });

  describe('with GetAccountAuthorizationDetails', () => {
    const encoded = encodeURIComponent(JSON.stringify(doc));
    const detail = (UserName: string) => ({
      UserName,
      UserPolicyList: [
        { PolicyName: 'p1', PolicyDocument: encoded },
        { PolicyName: 'p2', PolicyDocument: encoded },
      ],
      AttachedManagedPolicies: [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: managedArn }],
    });

    beforeEach(() => {
      iamMock
        .on(GetAccountAuthorizationDetailsCommand, { Marker: undefined })
        .resolves({ UserDetailList: [detail('u1'), detail('u2')], IsTruncated: true, Marker: 'next' })
        .on(GetAccountAuthorizationDetailsCommand, { Marker: 'next' })
        .resolves({ UserDetailList: [detail('u3')], IsTruncated: false });
      iamMock.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v1' } });
      iamMock
        .on(GetPolicyVersionCommand)
        .resolves({ PolicyVersion: { Document: encodeURIComponent('{"Version":"2012-10-17","Statement":[]}') } });
    });

    it('reads every user from the paginated details, without per-user calls', async () => {
      const records = await all(listUserPolicies(iam, { users: [], concurrency: 4 }));
      expect(records.map((r) => `${r.UserName}/${r.PolicyName}`)).toEqual([
        'u1/p1',
        'u1/p2',
        'u1/AmazonS3ReadOnlyAccess',
        'u2/p1',
        'u2/p2',
        'u2/AmazonS3ReadOnlyAccess',
        'u3/p1',
        'u3/p2',
        'u3/AmazonS3ReadOnlyAccess',
      ]);
      expect(records[0].Document).toEqual(doc);
      expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(2);
      expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)[0].args[0].input).toMatchObject({ Filter: ['User'] });
      expect(iamMock.commandCalls(ListUsersCommand)).toHaveLength(0);
      expect(iamMock.commandCalls(GetUserPolicyCommand)).toHaveLength(0);
      expect(iamMock.commandCalls(GetPolicyCommand)).toHaveLength(1);
    });

    it('falls back to per-user calls only on AccessDenied', async () => {
      iamMock.on(GetAccountAuthorizationDetailsCommand).rejects(awsError('ExpiredToken'));
      await expect(all(listUserPolicies(iam, { users: [], concurrency: 2 }))).rejects.toThrow('ExpiredToken');
      expect(iamMock.commandCalls(ListUsersCommand)).toHaveLength(0);
    });
  });

  it('decodes URL-encoded documents and keeps non-JSON text', () => {
    expect(decodePolicyDocument('%7B%22a%22%3A1%7D')).toEqual({ a: 1 });
    expect(decodePolicyDocument('not%20json')).toBe('not json');
    expect(decodePolicyDocument(undefined)).toBeNull();
  });
});
