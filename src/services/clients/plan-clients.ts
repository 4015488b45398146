/**
 * plan: the list against the account. Reads the account once (account-state.ts), decides per
 * client (changes.ts), and checks the ceilings; apply runs exactly what this returns.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Reporter } from '../../output/reporter';
import type { Client } from '../../policies/clients/client-list';
import { USERS_PER_ACCOUNT, USERS_WARNING_SHARE } from '../../policies/clients/limits';
import { accountChanges } from './account-grants';
import { readAccountState } from './account-state';
import { describeEdit, diffClients, type ClientChange, type DiffOptions } from './changes';

export interface ClientsPlan {
  changes: ClientChange[];
  /** Users in the account before and after apply. */
  usersBefore: number;
  usersAfter: number;
  /** Read requests made. */
  requests: number;
  warnings: string[];
}

/** For clients with an account: where their bucket policies are, and who hears about them. */
export interface AccountAccess {
  s3: () => Promise<S3Client>;
  reporter: Reporter;
}

export async function planClients(
  iam: IAMClient,
  clients: readonly Client[],
  opts: DiffOptions & { concurrency: number },
  accounts?: AccountAccess,
): Promise<ClientsPlan> {
  const state = await readAccountState(iam, clients, opts.concurrency);
  const withAccount = clients.filter((c) => c.account);
  if (withAccount.length && !accounts) throw new Error('clients with an account need S3 access to plan');
  const granted = withAccount.length && accounts ? await accountChanges(await accounts.s3(), withAccount, accounts.reporter) : [];
  const users = diffClients(clients, state, opts);
  // List order: each client's line; the deletes of unlisted users (no line) stay last.
  const line = (c: ClientChange) => c.client?.line ?? Number.MAX_SAFE_INTEGER;
  const changes = [...users, ...granted].sort((a, b) => line(a) - line(b));
  const usersBefore = state.users.size;
  const usersAfter = usersBefore + users.filter((c) => c.action === 'create').length - users.filter((c) => c.action === 'delete').length;
  const warnings: string[] = [];
  if (usersAfter > USERS_PER_ACCOUNT * USERS_WARNING_SHARE) {
    warnings.push(
      `the account would hold ${usersAfter.toLocaleString('en-US')} IAM users, over 90% of the ${USERS_PER_ACCOUNT.toLocaleString('en-US')} IAM allows: see "Many clients" in the README for what to use beyond that`,
    );
  }
  return { changes, usersBefore, usersAfter, requests: state.requests, warnings };
}

/** The record plan prints for a change (never a secret: there is none in a plan). */
export function changeRecord(change: ClientChange): Record<string, unknown> {
  return {
    UserName: change.username,
    Action: change.action,
    ...(change.client ? { Line: change.client.line } : {}),
    Changes: change.edits.map(describeEdit),
    ...(change.reason ? { Reason: change.reason } : {}),
  };
}

/** "3 to create, 1 to update, ..." for the human summary and apply's closing line. */
export function countChanges(changes: readonly ClientChange[]): Record<ClientChange['action'], number> {
  const counts: Record<ClientChange['action'], number> = { create: 0, update: 0, 'replace-key': 0, delete: 0, none: 0, refused: 0 };
  for (const c of changes) counts[c.action]++;
  return counts;
}
