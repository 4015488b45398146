/**
 * What the account holds for a client list, read in as few requests as IAM allows: every user
 * with its tags and inline policy documents from GetAccountAuthorizationDetails (1,000 users a
 * request), then only what that call lacks, for listed users alone: the console login
 * (GetLoginProfile) and, for a user whose key is pending, its keys.
 */
import {
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  paginateGetAccountAuthorizationDetails,
  type IAMClient,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { isNoSuchEntity } from '../../aws/errors';
import { CONSOLE_GRANT_WORD, type Client } from '../../policies/clients/client-list';
import { TAG_GRANT, TAG_PENDING, madeByS3Share } from '../../policies/ownership';
import { decodePolicyDocument } from '../../policies/statements';
import { createLimiter, withLimit } from '../concurrency';

export interface UserState {
  userName: string;
  tags: Map<string, string>;
  madeByS3Share: boolean;
  /** Inline policy name to its document (decoded JSON). */
  policies: Map<string, unknown>;
  /**
   * Asked of IAM only for listed users whose row or grant tag says console; false for the others
   * (a login profile added by hand to a client without one is not looked for).
   */
  hasConsole?: boolean;
  /** Key ids, read only for a user whose key is pending. */
  keys?: string[];
}

/** A role, for clients that assume one (the `role` field). */
export interface RoleState {
  roleName: string;
  tags: Map<string, string>;
  /** The trust policy (decoded JSON). */
  trust: unknown;
  policies: Map<string, unknown>;
}

export interface AccountState {
  /** Every user in the account, by name. */
  users: Map<string, UserState>;
  /** Every role, by name: read only when some client has a role. */
  roles: Map<string, RoleState>;
  /** Requests made to read it. */
  requests: number;
}

function stateOf(detail: UserDetail): UserState {
  const tags = new Map((detail.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  return {
    userName: detail.UserName ?? '',
    tags,
    madeByS3Share: madeByS3Share(detail.Tags),
    policies: new Map((detail.UserPolicyList ?? []).map((p) => [p.PolicyName ?? '', decodePolicyDocument(p.PolicyDocument)])),
  };
}

export async function readAccountState(iam: IAMClient, clients: readonly Client[], concurrency: number): Promise<AccountState> {
  let requests = 0;
  const counted = withLimit(iam, createLimiter(concurrency));
  const send = counted.send.bind(counted) as (...args: unknown[]) => Promise<unknown>;
  (counted as { send: unknown }).send = (...args: unknown[]) => {
    requests++;
    return send(...args);
  };
  const users = new Map<string, UserState>();
  const roles = new Map<string, RoleState>();
  const withRoles = clients.some((c) => c.role);
  const filter: Array<'User' | 'Role'> = withRoles ? ['User', 'Role'] : ['User'];
  for await (const page of paginateGetAccountAuthorizationDetails({ client: counted, pageSize: 1000 }, { Filter: filter })) {
    for (const detail of page.UserDetailList ?? []) users.set(detail.UserName ?? '', stateOf(detail));
    for (const role of page.RoleDetailList ?? []) {
      roles.set(role.RoleName ?? '', {
        roleName: role.RoleName ?? '',
        tags: new Map((role.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        trust: decodePolicyDocument(role.AssumeRolePolicyDocument),
        policies: new Map((role.RolePolicyList ?? []).map((p) => [p.PolicyName ?? '', decodePolicyDocument(p.PolicyDocument)])),
      });
    }
  }
  const listed = clients
    .filter((c) => !c.account)
    .map((c) => ({ client: c, user: users.get(c.username) }))
    .filter((x): x is { client: Client; user: UserState } => !!x.user);
  await Promise.all(
    listed.map(async ({ client, user }) => {
      const claimed = client.console || (user.tags.get(TAG_GRANT) ?? '').split(' ').includes(CONSOLE_GRANT_WORD);
      user.hasConsole = claimed ? await hasLoginProfile(counted, user.userName) : false;
      if (user.tags.has(TAG_PENDING)) {
        const keys = await counted.send(new ListAccessKeysCommand({ UserName: user.userName }));
        user.keys = (keys.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? '');
      }
    }),
  );
  return { users, roles, requests };
}

async function hasLoginProfile(iam: IAMClient, userName: string): Promise<boolean> {
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: userName }));
    return true;
  } catch (err) {
    if (isNoSuchEntity(err)) return false;
    throw err;
  }
}
