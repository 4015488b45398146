// The user's part of create, on its own: reading a user's inline policy names across pages.
import { IAMClient, ListUserPoliciesCommand, type ListUserPoliciesCommandInput } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { userPolicyNames } from '../../../src/services/credentials/user-steps';

const iam = mockClient(IAMClient);

beforeEach(() => iam.reset());

describe('userPolicyNames', () => {
  it('reads every page, passing each Marker on', async () => {
    const pages = [
      { PolicyNames: ['a', 'b'], IsTruncated: true, Marker: 'm1' },
      { PolicyNames: ['c'], IsTruncated: false },
    ];
    // Copied at send time: the SDK's paginator reuses one input object for every page.
    const sent: ListUserPoliciesCommandInput[] = [];
    iam.on(ListUserPoliciesCommand).callsFake(async (input: ListUserPoliciesCommandInput) => {
      sent.push({ ...input });
      return pages[sent.length - 1];
    });
    const names = await userPolicyNames(new IAMClient({ region: 'us-east-1' }), 'bob');
    expect([...names]).toEqual(['a', 'b', 'c']);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ UserName: 'bob' });
    expect(sent[0]!.Marker).toBeUndefined();
    expect(sent[1]).toMatchObject({ UserName: 'bob', Marker: 'm1' });
  });
});
