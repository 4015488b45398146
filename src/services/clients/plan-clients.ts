/**
 * plan: the list against the account. Reads the account once (account-state.ts), decides per
 * client (changes.ts), and checks the ceilings; apply runs exactly what this returns.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '../../policies/clients/client-list';
import { USERS_PER_ACCOUNT, USERS_WARNING_SHARE } from '../../policies/clients/limits';
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

export async function planClients(
  iam: IAMClient,
  clients: readonly Client[],
  opts: DiffOptions & { concurrency: number },
): Promise<ClientsPlan> {
  const state = await readAccountState(iam, clients, opts.concurrency);
  const changes = diffClients(clients, state, opts);
  const usersBefore = state.users.size;
  const usersAfter =
    usersBefore + changes.filter((c) => c.action === 'create').length - changes.filter((c) => c.action === 'delete').length;
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
