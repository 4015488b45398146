/**
 * `rotate-key USER`: a new access key for an existing user, then the old one deleted (or, with
 * keepOld, deactivated). planRotate looks first (the user, its keys) with read-only calls and
 * returns the plan; executePlan runs it and, if a step fails, deletes the new key again.
 *
 * The invariant: a failure never leaves the user with no working key (the old key is touched only
 * after the new one exists, works when waiting, and has been delivered: written and flushed to the
 * file, or to stdout; a failed delivery deletes the new key), and never silently with two (a failure
 * after the new key was made rolls it back; the plan engine names any undo it could not do).
 *
 *   keys  flags            steps
 *   0     -                CreateAccessKey                       (nothing to rotate: said so)
 *   1     -                CreateAccessKey, [wait], [deliver], DeleteAccessKey old
 *   1     keepOld          CreateAccessKey, [wait], [deliver], UpdateAccessKey old Inactive
 *   2     -                refused: AWS allows 2 keys per user
 *   2     deleteOldest     DeleteAccessKey oldest, then as for 1 key with the other one
 */
import {
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
  type AccessKey,
  type AccessKeyMetadata,
  type IAMClient,
  type User,
} from '@aws-sdk/client-iam';
import { isNoSuchEntity } from '../../aws/errors';
import { OperationError } from '../../errors';
import { accessKeyCredentials, type Delivery, type IssuedCredentials } from '../../output/credentials';
import type { Reporter } from '../../output/reporter';
import type { PolicySet } from '../../policies/access';
import { isS3SharePolicyName } from '../../policies/creation-tags';
import { ACCESS_KEYS_PER_USER } from '../../policies/iam-limits';
import { isS3ShareManagedPolicy } from '../../policies/ownership';
import { grantedPrefixes } from '../../policies/prefix-grants';
import type { Caller } from '../users/identity';
import { bucketsNamed, checkReach, refuseOwnUser, userPolicies } from './reach-check';
import { createAccessKeyStep } from './access-key';
import { deliveryStep } from './delivery';
import { waitForKey, type Probe } from './key-readiness';
import { step, type Plan, type PlanResults, type PlanStep } from '../plan';

export interface RotateInput {
  userName: string;
  /** Deactivate the old key instead of deleting it. */
  keepOld: boolean;
  /** With 2 keys, delete the oldest first instead of refusing. */
  deleteOldest: boolean;
  /** Wait until the new key works before touching the old one; absent: do not wait. */
  wait?: { timeoutMs: number; probes(key: { AccessKeyId: string; SecretAccessKey: string }): Promise<Probe[]> };
  /** Hand the new key over before the old one is touched; absent, the caller gets it from the results. */
  delivery?: Delivery;
  /** Check before the new key is made: not the caller's own user, nothing beyond its s3-share grant. */
  guard?: RotateGuard;
}

export interface RotateGuard {
  /** The identity running s3-share (GetCallerIdentity). */
  caller: Caller;
  /** --allow-excess: make the key even when the user can do more than its s3-share policies grant. */
  allowExcess: boolean;
}

export interface RotatePlan extends Plan {
  userName: string;
  /** The key this run replaces (deleted or deactivated), if any. */
  oldKeyId?: string;
  credentials(results: PlanResults): IssuedCredentials;
}

const NEW_KEY = 'newKey';

/** "AKIA... (Active, created 40 days ago, last used 2 days ago)", for messages. */
export function describeKey(key: AccessKeyMetadata, lastUsed: Date | undefined, now: Date): string {
  const age = (d: Date) => {
    const days = Math.floor((now.getTime() - d.getTime()) / 86_400_000);
    return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
  };
  const parts = [key.Status ?? 'unknown status'];
  if (key.CreateDate) parts.push(`created ${age(key.CreateDate)}`);
  parts.push(lastUsed ? `last used ${age(lastUsed)}` : 'never used');
  return `${key.AccessKeyId} (${parts.join(', ')})`;
}

async function lastUsed(iam: IAMClient, keyId: string): Promise<Date | undefined> {
  try {
    return (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }))).AccessKeyLastUsed?.LastUsedDate;
  } catch {
    return undefined; // only for the message: not worth failing over
  }
}

async function userKeys(iam: IAMClient, userName: string): Promise<{ user: User | undefined; keys: AccessKeyMetadata[] }> {
  let user: User | undefined;
  try {
    user = (await iam.send(new GetUserCommand({ UserName: userName }))).User;
  } catch (err) {
    if (isNoSuchEntity(err)) {
      throw new OperationError(
        `user ${userName} does not exist (NoSuchEntity): check the name ('s3-share list-users'), or make it with 's3-share create'`,
        'NoSuchEntity',
      );
    }
    throw err;
  }
  return { user, keys: (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [] };
}

/**
 * The key will act with everything the user holds; its grant is what s3-share gave it (its
 * s3-share.* inline policies and s3-share managed policies). More than that is refused, unless
 * --allow-excess.
 */
async function checkUserReach(iam: IAMClient, userName: string, user: User | undefined, guard: RotateGuard, reporter: Reporter) {
  const { set, inlineNames, managedArns } = await userPolicies(iam, userName, user?.PermissionsBoundary?.PermissionsBoundaryArn);
  const ours = new Set([
    ...inlineNames.filter(isS3SharePolicyName).map((n) => `user ${userName} inline ${n}`),
    ...managedArns.filter(isS3ShareManagedPolicy).map((a) => `user ${userName} managed ${a.slice(a.lastIndexOf('/') + 1)}`),
  ]);
  const grant: PolicySet = {
    inline: (set.inline ?? []).filter((p) => ours.has(p.label)),
    managed: (set.managed ?? []).filter((p) => ours.has(p.label)),
  };
  const documents = [...grant.inline!, ...grant.managed!].map((p) => p.document);
  const { partition, account } = guard.caller;
  checkReach(
    {
      who: `user ${userName}`,
      principal: user?.Arn ?? `arn:${partition}:iam::${account}:user/${userName}`,
      full: set,
      grant,
      scope: {
        partition,
        account,
        buckets: bucketsNamed(documents),
        prefixes: [...new Set(grantedPrefixes(documents).targets.map((t) => t.Prefix))],
      },
      allowExcess: guard.allowExcess,
      remedy: `remove what user ${userName} holds besides its s3-share policies`,
    },
    reporter,
  );
}

const byAge = (a: AccessKeyMetadata, b: AccessKeyMetadata) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0);

async function refuseTwoKeys(iam: IAMClient, userName: string, keys: AccessKeyMetadata[], now: Date): Promise<never> {
  const described = await Promise.all(keys.map(async (k) => describeKey(k, await lastUsed(iam, k.AccessKeyId ?? ''), now)));
  throw new OperationError(
    `user ${userName} already has ${keys.length} access keys, the most AWS allows per user (${ACCESS_KEYS_PER_USER}): ${described.join(' and ')}: add --delete-oldest to delete the oldest first, or delete one yourself (aws iam delete-access-key --user-name ${userName} --access-key-id ...)`,
    'LimitExceeded',
  );
}

function deleteKeyStep(iam: IAMClient, userName: string, keyId: string, why: string): PlanStep {
  return step<unknown>({
    service: 'iam',
    operation: 'DeleteAccessKey',
    description: `delete ${why} access key ${keyId} of user ${userName}`,
    input: { UserName: userName, AccessKeyId: keyId },
    run: () => iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: keyId })),
  });
}

function createKeyStep(iam: IAMClient, userName: string): PlanStep {
  return createAccessKeyStep(iam, userName, NEW_KEY, {
    description: `create a new access key for user ${userName}`,
    undo: (keyId) => `delete the new access key ${keyId} of user ${userName}`,
  });
}

/** Polls with the new key; not working by the timeout fails the step, so the new key is rolled back and the old one kept. */
function waitStep(wait: NonNullable<RotateInput['wait']>, reporter: Reporter): PlanStep {
  const seconds = Math.round(wait.timeoutMs / 1000);
  return step<unknown>({
    service: 'sts',
    operation: 'GetCallerIdentity',
    description: `wait until the new key works (up to ${seconds} s), before touching the old one`,
    input: { AccessKeyId: '(the new key)' },
    run: async (results) => {
      const key = results.get<AccessKey>(NEW_KEY);
      const probes = await wait.probes({ AccessKeyId: key.AccessKeyId ?? '', SecretAccessKey: key.SecretAccessKey ?? '' });
      const result = await waitForKey(probes, { reporter, timeoutMs: wait.timeoutMs });
      if (!result.ready) {
        throw new OperationError(
          `the new key did not work within ${seconds} s (${result.lastError}): the old key is unchanged; try again, or raise --wait-timeout`,
        );
      }
    },
  });
}

function retireStep(iam: IAMClient, userName: string, old: AccessKeyMetadata, keepOld: boolean, reporter: Reporter): PlanStep[] {
  const keyId = old.AccessKeyId ?? '';
  if (!keepOld) return [deleteKeyStep(iam, userName, keyId, 'the old')];
  if (old.Status === 'Inactive') {
    reporter.info(`the old key ${keyId} is inactive already: keeping it as it is`);
    return [];
  }
  const update = (Status: 'Active' | 'Inactive') =>
    iam.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: keyId, Status }));
  return [
    step<unknown>({
      service: 'iam',
      operation: 'UpdateAccessKey',
      description: `deactivate the old access key ${keyId} of user ${userName} (kept, --keep-old)`,
      input: { UserName: userName, AccessKeyId: keyId, Status: 'Inactive' },
      run: () => update('Inactive'),
      undo: () => ({ description: `reactivate the old access key ${keyId} of user ${userName}`, run: () => update('Active') }),
    }),
  ];
}

export async function planRotate(iam: IAMClient, input: RotateInput, reporter: Reporter, now: Date = new Date()): Promise<RotatePlan> {
  const { userName } = input;
  if (input.guard) refuseOwnUser(input.guard.caller.arn, userName, 'rotate it with the console or aws iam create-access-key');
  const found = await userKeys(iam, userName);
  const keys = [...found.keys].sort(byAge);
  const steps: PlanStep[] = [];
  if (keys.length >= ACCESS_KEYS_PER_USER && !input.deleteOldest) await refuseTwoKeys(iam, userName, keys, now);
  if (input.guard) await checkUserReach(iam, userName, found.user, input.guard, reporter);
  if (keys.length >= ACCESS_KEYS_PER_USER) {
    // Deleting an inactive key first keeps the working one until its replacement exists.
    const victim = keys.find((k) => k.Status === 'Inactive') ?? keys[0]!;
    reporter.info(
      `user ${userName} has ${keys.length} access keys: deleting ${victim.Status === 'Inactive' ? 'the inactive' : 'the oldest'} one, ${describeKey(victim, await lastUsed(iam, victim.AccessKeyId ?? ''), now)}, to make room`,
    );
    steps.push(deleteKeyStep(iam, userName, victim.AccessKeyId ?? '', victim.Status === 'Inactive' ? 'the inactive' : 'the oldest'));
    keys.splice(keys.indexOf(victim), 1);
  }
  const old = keys[0];
  if (!old) reporter.info(`user ${userName} has no access key: creating one (nothing to rotate)`);
  steps.push(createKeyStep(iam, userName));
  if (input.wait) steps.push(waitStep(input.wait, reporter));
  const credentials = (results: PlanResults) => accessKeyCredentials(userName, results.get<AccessKey>(NEW_KEY));
  if (input.delivery) steps.push(deliveryStep(input.delivery, credentials));
  if (old) steps.push(...retireStep(iam, userName, old, input.keepOld, reporter));
  return { steps, userName, oldKeyId: old?.AccessKeyId, credentials };
}
