import { parseClientList } from '../../../src/policies/clients/list-file';
import { validateClientRows, type Client } from '../../../src/policies/clients/client-list';
import { diffClients, describeEdit, roleTrust, userPolicyFor } from '../../../src/services/clients/changes';
import type { AccountState, RoleState, UserState } from '../../../src/services/clients/account-state';
import { ROLE_OWNER_TAG, TAG_EXPIRES, TAG_GRANT, TAG_MADE_BY, TAG_PENDING } from '../../../src/policies/ownership';

const NOW = new Date('2026-12-04T12:00:00Z');

async function clientsOf(csv: string): Promise<Client[]> {
  const { clients, problems } = await validateClientRows(
    parseClientList(`username,bucket,prefix,access,console,expires\n${csv}`, 'l.csv'),
    'l.csv',
    NOW,
  );
  expect(problems).toEqual([]);
  return clients;
}

/** A user exactly as apply leaves the client. */
function applied(c: Client, over: Partial<UserState> = {}): UserState {
  const tags = new Map([
    [TAG_MADE_BY, 's3-share/0.1.0'],
    [TAG_GRANT, c.grant],
  ]);
  if (c.expires) tags.set(TAG_EXPIRES, c.expires.toISOString().replace('.000Z', 'Z'));
  return {
    userName: c.username,
    tags,
    madeByS3Share: true,
    policies: new Map([[c.policyName!, JSON.parse(JSON.stringify(c.policy))]]),
    hasConsole: c.console,
    ...over,
  };
}

const state = (...users: UserState[]): AccountState => ({
  users: new Map(users.map((u) => [u.userName, u])),
  roles: new Map(),
  requests: 1,
});
const opts = { prune: false, pruneExpired: false, now: NOW };

describe('diffClients', () => {
  test('absent users are created; applied ones are unchanged; an expired absent one is not created', async () => {
    const [a, b, old] = await clientsOf(
      'a,photos,a,read-only,no,\nb,photos,,read-write,yes,2030-01-01\nold,photos,,read-only,no,2020-01-01\n',
    );
    const changes = diffClients([a!, b!, old!], state(applied(b!)), opts);
    expect(changes.map((c) => [c.username, c.action])).toEqual([
      ['a', 'create'],
      ['b', 'none'],
      ['old', 'none'],
    ]);
    expect(changes[2]!.reason).toMatch(/expired/);
  });

  test('a policy edited by hand, a changed row, console and tags each become an edit', async () => {
    const [a] = await clientsOf('a,photos,a,read-only,yes,2030-01-01\n');
    const drifted = applied(a!, { hasConsole: false });
    const doc = JSON.parse(JSON.stringify(a!.policy));
    doc.Statement[0].Action = 's3:*';
    drifted.policies.set(a!.policyName!, doc);
    drifted.policies.set('s3-share.read-write.0123abcd', {});
    drifted.policies.set('someone-elses', {});
    drifted.tags.set(TAG_GRANT, 'read-write photos');
    const [change] = diffClients([a!], state(drifted), opts);
    expect(change!.action).toBe('update');
    expect(change!.edits.map(describeEdit)).toEqual([
      `put policy ${a!.policyName}`,
      'delete old policy s3-share.read-write.0123abcd',
      'add console login',
      `tag ${TAG_GRANT}=read-only photos/a/ +console`,
    ]);
  });

  test('removing the expiry untags it; removing console removes the login', async () => {
    const [was] = await clientsOf('a,photos,,read-only,yes,2030-01-01\n');
    const [now] = await clientsOf('a,photos,,read-only,no,\n');
    const [change] = diffClients([now!], state(applied(was!)), opts);
    expect(change!.edits.map((e) => e.kind)).toEqual(['put-policy', 'delete-policy', 'remove-console', 'tag', 'untag']);
  });

  test('a pending key is replaced, a pending password too', async () => {
    const [a, b] = await clientsOf('a,photos,,read-only,no,\nb,photos,,read-only,yes,\n');
    const pendingKey = applied(a!, { keys: ['AKIA1', 'AKIA2'] });
    pendingKey.tags.set(TAG_PENDING, 'key');
    const pendingPassword = applied(b!);
    pendingPassword.tags.set(TAG_PENDING, 'password');
    const changes = diffClients([a!, b!], state(pendingKey, pendingPassword), opts);
    expect(changes.map((c) => c.action)).toEqual(['replace-key', 'update']);
    expect(changes[0]!.edits).toEqual([{ kind: 'replace-key', keys: ['AKIA1', 'AKIA2'] }]);
    expect(changes[1]!.edits).toEqual([{ kind: 'replace-password' }]);
  });

  test('a user s3-share did not make is refused, never taken over', async () => {
    const [a] = await clientsOf('a,photos,,read-only,no,\n');
    const [change] = diffClients([a!], state({ ...applied(a!), madeByS3Share: false }), opts);
    expect(change!.action).toBe('refused');
    expect(change!.reason).toMatch(/s3-share did not make it/);
  });

  test('--prune deletes only unlisted users s3-share made; --prune-expired only expired ones', async () => {
    const [a, gone, expired] = await clientsOf(
      'a,photos,,read-only,no,\ngone,photos,,read-only,no,\nexp,photos,,read-only,no,2020-01-01\n',
    );
    const foreign: UserState = { userName: 'admin', tags: new Map(), madeByS3Share: false, policies: new Map() };
    const account = state(applied(a!), applied(gone!), applied(expired!), foreign);
    expect(diffClients([a!, expired!], account, opts).map((c) => c.action)).toEqual(['none', 'none']);
    const pruned = diffClients([a!], account, { ...opts, prune: true });
    expect(pruned.filter((c) => c.action === 'delete').map((c) => c.username)).toEqual(['exp', 'gone']);
    const pe = diffClients([a!, expired!], account, { ...opts, pruneExpired: true });
    expect(pe.filter((c) => c.action === 'delete').map((c) => c.username)).toEqual(['exp']);
    const unlistedExpired = diffClients([a!], account, { ...opts, pruneExpired: true });
    expect(unlistedExpired.filter((c) => c.action === 'delete').map((c) => c.username)).toEqual(['exp']);
  });

  test('a client with a role: the role is created with the user, restored when its trust or policy drifts, refused when not its own', async () => {
    const { clients } = await validateClientRows(
      parseClientList('username,bucket,access,role\nr,photos,read-only,r-role\n', 'l.csv'),
      'l.csv',
      NOW,
    );
    const [c] = clients;
    const caller = { account: '123456789012', partition: 'aws' };
    const created = diffClients([c!], state(), { ...opts, caller });
    expect(created.map((x) => [x.action, x.edits])).toEqual([['create', [{ kind: 'create-role', role: 'r-role' }]]]);
    const user = applied(c!);
    user.policies = new Map([[userPolicyFor(c!, caller).name, userPolicyFor(c!, caller).document]]);
    const role: RoleState = {
      roleName: 'r-role',
      tags: new Map([[ROLE_OWNER_TAG, 'r']]),
      trust: roleTrust(c!, caller),
      policies: new Map<string, unknown>([[c!.policyName!, c!.policy]]),
    };
    const account = { ...state(user), roles: new Map([['r-role', role]]) };
    expect(diffClients([c!], account, { ...opts, caller }).map((x) => x.action)).toEqual(['none']);
    role.trust = { Version: '2012-10-17', Statement: [] };
    role.policies.set(c!.policyName!, {});
    expect(diffClients([c!], account, { ...opts, caller })[0]!.edits.map(describeEdit)).toEqual([
      'restore the trust policy of role r-role',
      `put policy ${c!.policyName} of role r-role`,
    ]);
    role.tags.set(ROLE_OWNER_TAG, 'someone-else');
    expect(diffClients([c!], account, { ...opts, caller })[0]!.action).toBe('refused');
  });
});
