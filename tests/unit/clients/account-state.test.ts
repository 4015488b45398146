import {
  GetAccountAuthorizationDetailsCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { parseClientList } from '../../../src/policies/clients/list-file';
import { validateClientRows, type Client } from '../../../src/policies/clients/client-list';
import { readAccountState } from '../../../src/services/clients/account-state';
import { planClients } from '../../../src/services/clients/plan-clients';
import { TAG_GRANT, TAG_MADE_BY, TAG_PENDING } from '../../../src/policies/ownership';

const NOW = new Date('2026-12-04T12:00:00Z');
const noSuchEntity = () => Object.assign(new Error('none'), { name: 'NoSuchEntityException', $metadata: {} });

async function clientsOf(csv: string): Promise<Client[]> {
  const { clients } = await validateClientRows(parseClientList(`username,bucket,access,console\n${csv}`, 'l.csv'), 'l.csv', NOW);
  return clients;
}

const user = (UserName: string, tags: Record<string, string>): UserDetail => ({
  UserName,
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  UserPolicyList: [],
});

describe('reading the account for a client list', () => {
  test('one authorization-details request, login profiles only where the row or the tag says console, keys only when pending', async () => {
    const iam = mockClient(IAMClient);
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [
        user('plain', { [TAG_MADE_BY]: 's3-share/1', [TAG_GRANT]: 'read-only photos' }),
        user('wants', { [TAG_MADE_BY]: 's3-share/1', [TAG_GRANT]: 'read-only photos' }),
        user('had', { [TAG_MADE_BY]: 's3-share/1', [TAG_GRANT]: 'read-only photos +console' }),
        user('pending', { [TAG_MADE_BY]: 's3-share/1', [TAG_PENDING]: 'key' }),
        user('other', {}),
      ],
    });
    iam.on(GetLoginProfileCommand).callsFake(async ({ UserName }) => {
      if (UserName === 'had') return { LoginProfile: { UserName } };
      throw noSuchEntity();
    });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAOLD' }] });
    const clients = await clientsOf(
      'plain,photos,read-only,no\nwants,photos,read-only,yes\nhad,photos,read-only,no\npending,photos,read-only,no\n',
    );
    const state = await readAccountState(new IAMClient({ region: 'us-east-1' }), clients, 4);
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
    expect(
      iam
        .commandCalls(GetLoginProfileCommand)
        .map((c) => c.args[0].input.UserName)
        .sort(),
    ).toEqual(['had', 'wants']);
    expect(iam.commandCalls(ListAccessKeysCommand).map((c) => c.args[0].input.UserName)).toEqual(['pending']);
    expect(state.requests).toBe(4);
    expect(state.users.get('had')!.hasConsole).toBe(true);
    expect(state.users.get('wants')!.hasConsole).toBe(false);
    expect(state.users.get('pending')!.keys).toEqual(['AKIAOLD']);
    expect(state.users.get('other')!.madeByS3Share).toBe(false);
  });

  test('plan warns past 90% of the 5,000 users IAM allows', async () => {
    const iam = mockClient(IAMClient);
    const many = Array.from({ length: 4499 }, (_, i) => user(`u${i}`, {}));
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: many });
    const one = await clientsOf('newone,photos,read-only,no\n');
    expect(
      (await planClients(new IAMClient({ region: 'us-east-1' }), one, { prune: false, pruneExpired: false, now: NOW, concurrency: 4 }))
        .warnings,
    ).toEqual([]);
    const two = await clientsOf('newone,photos,read-only,no\nnewtwo,photos,read-only,no\n');
    const plan = await planClients(new IAMClient({ region: 'us-east-1' }), two, {
      prune: false,
      pruneExpired: false,
      now: NOW,
      concurrency: 4,
    });
    expect(plan.usersAfter).toBe(4501);
    expect(plan.warnings).toEqual([expect.stringMatching(/4,501 IAM users, over 90% of the 5,000/)]);
  });
});
