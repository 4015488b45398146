/**
 * The difference between a client list and the account: for each client, what apply must do. The
 * decision is made here, from data already read, so plan and apply cannot disagree and a test can
 * check every case without AWS.
 *
 *   user absent, access not expired          -> create
 *   user absent, access expired              -> nothing (it would be dead on arrival)
 *   user present, not made by s3-share       -> refused (never take over someone else's user)
 *   user present, key pending (undelivered)  -> replace-key (+ whatever else differs)
 *   user present, expired, --prune-expired   -> delete
 *   user present, something differs          -> update: policy, stale policies, console, tags
 *   role (the `role` field) missing or drifted -> create it, or restore its trust and policy
 *   role of that name not made for this user  -> refused
 *   s3-share user not listed, --prune        -> delete
 *   s3-share user expired, --prune-expired   -> delete
 */
import type { Client } from '../../policies/clients/client-list';
import { expiresTag } from '../../policies/clients/client-list';
import { hasExpired } from '../../policies/expiry';
import { minifyPolicy, type PolicyDocument } from '../../policies/documents';
import { inlinePolicyName } from '../../policies/names';
import { ROLE_OWNER_TAG, TAG_EXPIRES, TAG_GRANT, TAG_PENDING } from '../../policies/ownership';
import { assumeOnlyPolicy, userOnlyTrustPolicy } from '../../policies/trust';
import type { AccountState, RoleState, UserState } from './account-state';

export type ClientAction = 'create' | 'update' | 'replace-key' | 'delete' | 'none' | 'refused';

/** One thing to change on an existing user. */
export type Edit =
  | { kind: 'put-policy'; name: string }
  | { kind: 'delete-policy'; name: string }
  | { kind: 'add-console' }
  | { kind: 'remove-console' }
  | { kind: 'replace-password' }
  | { kind: 'tag'; tags: Record<string, string> }
  | { kind: 'untag'; keys: string[] }
  | { kind: 'replace-key'; keys: string[] }
  | { kind: 'grant-account'; bucket: string }
  | { kind: 'create-role'; role: string }
  | { kind: 'put-role-policy'; role: string; name: string }
  | { kind: 'delete-role-policy'; role: string; name: string }
  | { kind: 'update-trust'; role: string };

export interface ClientChange {
  username: string;
  action: ClientAction;
  /** The listed client (absent for a delete of an unlisted user). */
  client?: Client;
  edits: Edit[];
  /** Why, for deletes, refusals and skipped rows. */
  reason?: string;
}

export interface DiffOptions {
  prune: boolean;
  pruneExpired: boolean;
  now: Date;
  /** Who runs it: needed for the ARNs of clients with a role. */
  caller?: { account: string; partition: string };
}

/** The user's own inline policy: the grant, or for a client with a role only the right to assume it. */
export function userPolicyFor(client: Client, caller: DiffOptions['caller']): { name: string; document: PolicyDocument } {
  if (!client.role) return { name: client.policyName!, document: client.policy! };
  if (!caller) throw new Error('a client with a role needs the caller identity');
  const document = assumeOnlyPolicy(roleArn(client, caller));
  return { name: inlinePolicyName('custom', minifyPolicy(document)).replace('.custom.', '.assume-role.'), document };
}

export function roleArn(client: Client, caller: NonNullable<DiffOptions['caller']>): string {
  return `arn:${caller.partition}:iam::${caller.account}:role/${client.role}`;
}

export function userArn(client: Client, caller: NonNullable<DiffOptions['caller']>): string {
  return `arn:${caller.partition}:iam::${caller.account}:user/${client.username}`;
}

/** The trust a client's role must have: only its user may assume it. */
export function roleTrust(client: Client, caller: NonNullable<DiffOptions['caller']>): object {
  return userOnlyTrustPolicy(caller.partition, caller.account, userArn(client, caller));
}

/** Policies s3-share names s3-share.<mode>.<hash>: another of them on a client is an old grant. */
const OURS = /^s3-share\.(read-only|write-only|read-write|custom|assume-role)\.[0-9a-f]{8}$/;

/** JSON with object keys sorted, so two documents compare by content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function expiresOf(user: UserState): Date | undefined {
  const value = user.tags.get(TAG_EXPIRES);
  const at = value ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

function roleEdits(client: Client, role: RoleState | undefined, caller: NonNullable<DiffOptions['caller']>): Edit[] {
  const name = client.role!;
  if (!role) return [{ kind: 'create-role', role: name }];
  const edits: Edit[] = [];
  if (canonical(role.trust) !== canonical(roleTrust(client, caller))) edits.push({ kind: 'update-trust', role: name });
  const current = role.policies.get(client.policyName!);
  if (current === undefined || canonical(current) !== canonical(client.policy)) {
    edits.push({ kind: 'put-role-policy', role: name, name: client.policyName! });
  }
  for (const other of role.policies.keys()) {
    if (other !== client.policyName && OURS.test(other)) edits.push({ kind: 'delete-role-policy', role: name, name: other });
  }
  return edits;
}

function editsFor(client: Client, user: UserState, caller: DiffOptions['caller']): Edit[] {
  const edits: Edit[] = [];
  const { name, document } = userPolicyFor(client, caller);
  const current = user.policies.get(name);
  if (current === undefined || canonical(current) !== canonical(document)) edits.push({ kind: 'put-policy', name });
  for (const other of user.policies.keys()) if (other !== name && OURS.test(other)) edits.push({ kind: 'delete-policy', name: other });
  const pending = user.tags.get(TAG_PENDING);
  if (client.console && !user.hasConsole) edits.push({ kind: 'add-console' });
  else if (!client.console && user.hasConsole) edits.push({ kind: 'remove-console' });
  else if (client.console && pending === 'password') edits.push({ kind: 'replace-password' });
  const wanted: Record<string, string> = { [TAG_GRANT]: client.grant };
  const expires = expiresTag(client);
  if (expires) wanted[TAG_EXPIRES] = expires;
  const differing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => user.tags.get(k) !== v));
  if (Object.keys(differing).length) edits.push({ kind: 'tag', tags: differing });
  if (!expires && user.tags.has(TAG_EXPIRES)) edits.push({ kind: 'untag', keys: [TAG_EXPIRES] });
  if (pending === 'key') edits.push({ kind: 'replace-key', keys: user.keys ?? [] });
  return edits;
}

/**
 * Every listed IAM client's change, in list order, then the deletes of unlisted users by name.
 * Clients with an account are left to account-grants.ts (their names still count as listed).
 */
export function diffClients(clients: readonly Client[], state: AccountState, opts: DiffOptions): ClientChange[] {
  const changes: ClientChange[] = [];
  const listed = new Set<string>();
  for (const client of clients) {
    listed.add(client.username.toLowerCase());
    if (client.account) continue;
    const user = state.users.get(client.username);
    const expired = hasExpired(client.expires, opts.now);
    const role = client.role ? state.roles.get(client.role) : undefined;
    if (role && role.tags.get(ROLE_OWNER_TAG) !== client.username) {
      changes.push({
        username: client.username,
        action: 'refused',
        client,
        edits: [],
        reason: `role ${client.role} exists and is not the role s3-share made for ${client.username}: choose another role name, or delete that role`,
      });
      continue;
    }
    if (!user) {
      changes.push(
        expired
          ? { username: client.username, action: 'none', client, edits: [], reason: 'access expired: not created' }
          : { username: client.username, action: 'create', client, edits: client.role ? roleEdits(client, role, opts.caller!) : [] },
      );
      continue;
    }
    if (!user.madeByS3Share) {
      changes.push({
        username: client.username,
        action: 'refused',
        client,
        edits: [],
        reason: `user ${client.username} exists and s3-share did not make it (no ${'s3-share:made-by'} tag): rename the row, or delete or rename that user`,
      });
      continue;
    }
    if (expired && opts.pruneExpired) {
      changes.push({ username: client.username, action: 'delete', client, edits: [], reason: 'access expired' });
      continue;
    }
    const edits = [...(client.role ? roleEdits(client, role, opts.caller!) : []), ...editsFor(client, user, opts.caller)];
    const action: ClientAction = edits.some((e) => e.kind === 'replace-key') ? 'replace-key' : edits.length ? 'update' : 'none';
    changes.push({ username: client.username, action, client, edits });
  }
  const unlisted = [...state.users.values()]
    .filter((u) => u.madeByS3Share && !listed.has(u.userName.toLowerCase()))
    .sort((a, b) => a.userName.localeCompare(b.userName));
  for (const user of unlisted) {
    if (opts.prune) changes.push({ username: user.userName, action: 'delete', edits: [], reason: 'not listed' });
    else if (opts.pruneExpired && hasExpired(expiresOf(user), opts.now))
      changes.push({ username: user.userName, action: 'delete', edits: [], reason: 'access expired' });
  }
  return changes;
}

/** One line for a person: what an edit does. */
export function describeEdit(edit: Edit): string {
  switch (edit.kind) {
    case 'put-policy':
      return `put policy ${edit.name}`;
    case 'delete-policy':
      return `delete old policy ${edit.name}`;
    case 'add-console':
      return 'add console login';
    case 'remove-console':
      return 'remove console login';
    case 'replace-password':
      return 'replace the undelivered console password';
    case 'tag':
      return `tag ${Object.entries(edit.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`;
    case 'untag':
      return `untag ${edit.keys.join(' ')}`;
    case 'replace-key':
      return 'replace the undelivered access key';
    case 'grant-account':
      return `grant it in the bucket policy of ${edit.bucket}`;
    case 'create-role':
      return `create role ${edit.role} with the grant`;
    case 'put-role-policy':
      return `put policy ${edit.name} of role ${edit.role}`;
    case 'delete-role-policy':
      return `delete old policy ${edit.name} of role ${edit.role}`;
    case 'update-trust':
      return `restore the trust policy of role ${edit.role}`;
  }
}
