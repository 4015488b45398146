/**
 * delete-user: remove everything IAM attaches to a user, then the user, so DeleteUser never ends
 * in DeleteConflict. Each user is first planned (every attached item discovered, nothing written:
 * discover.ts), then the plan is run in order (remove.ts).
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeAwsError } from '../../../aws/errors';
import { OperationError, UsageError } from '../../../errors';
import type { Reporter } from '../../../output/reporter';
import type { PrefixTarget } from '../../../policies/prefix-grants';
import { createLimiter } from '../../concurrency';
import { ObjectDeletionError } from '../../objects/prefix-delete';
import { planUserDeletion, referenceScanner, type PlanContext } from './discover';
import { runObjectsStep, runStep } from './remove';
import type { RemovalRecord, RemovalStep } from './types';

export interface UserOutcome {
  UserName: string;
  /** One line, set when this user was not (fully) deleted. */
  error?: string;
  removed: RemovalRecord[];
}

export interface DeleteUsersInput {
  users: string[];
  /** Users handled at once. */
  concurrency: number;
  dryRun: boolean;
  /** Also delete the objects under every folder the user's policies grant. */
  deleteObjects: boolean;
  /**
   * Asked once, before anything is deleted, when deleteObjects finds folders to empty; false
   * stops the whole run. Absent: go ahead.
   */
  confirm?: (targets: Array<PrefixTarget & { UserName: string }>) => Promise<boolean>;
  /** Called as each item is removed (or planned, in a dry run), for streaming output. */
  onRecord?: (record: RemovalRecord) => void;
  /** The ARN of the identity running s3-share: its own user is refused unless deleteSelf. */
  callerArn?: string;
  /** --delete-self: the caller's own user may be deleted (its keys too: this run's last call). */
  deleteSelf?: boolean;
}

/** The caller's user name, when the caller is an IAM user (not a role session or the root). */
export function callerUserName(callerArn: string | undefined): string | undefined {
  return /^arn:[\w-]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(callerArn ?? '')?.[1];
}

export interface DeleteUsersClients {
  iam: IAMClient;
  /** Needed only for deleteObjects. */
  s3?: () => Promise<S3Client>;
}

const recordOf = (s: RemovalStep): RemovalRecord => ({
  UserName: s.UserName,
  Type: s.Type,
  Id: s.Id,
  ...(s.Count !== undefined ? { Count: s.Count } : {}),
});

/**
 * Deletes users (or, in a dry run, reports what would be deleted). One user's failure does not
 * stop the others: each outcome carries its own one-line error. Throws OperationError only when
 * --delete-objects refuses (a grant that cannot be bounded) or is not confirmed: then nothing at
 * all has been deleted.
 */
export async function deleteUsers(clients: DeleteUsersClients, input: DeleteUsersInput, reporter: Reporter): Promise<UserOutcome[]> {
  const { iam } = clients;
  const users = [...new Set(input.users)];
  const self = callerUserName(input.callerArn);
  if (self && users.includes(self) && !input.deleteSelf) {
    throw new UsageError(
      `user ${self} is the identity running s3-share (${input.callerArn}): deleting it would cut this and every later run off; add --delete-self if that is what you mean, or run as another identity`,
    );
  }
  const limit = createLimiter(input.concurrency);
  const ctx: PlanContext = { iam, reporter, deleteObjects: input.deleteObjects, references: referenceScanner(iam) };
  const emit = (r: RemovalRecord) => input.onRecord?.(r);

  const planned = await Promise.all(
    users.map((UserName) =>
      limit(async () => {
        try {
          return { UserName, plan: await planUserDeletion(ctx, UserName) };
        } catch (err) {
          return { UserName, error: err instanceof OperationError ? err.message : describeAwsError(err) };
        }
      }),
    ),
  );

  if (input.deleteObjects) {
    const refused = planned.flatMap((p) => (p.plan?.refusals ?? []).map((why) => `${p.UserName}: ${why}`));
    if (refused.length) {
      throw new OperationError(
        `--delete-objects refused, nothing was deleted: ${refused.join('; ')}: delete those objects yourself, then run delete-user without --delete-objects`,
      );
    }
    const targets = planned.flatMap((p) =>
      (p.plan?.steps ?? []).filter((s) => s.target).map((s) => ({ UserName: s.UserName, ...s.target! })),
    );
    if (!input.dryRun && targets.length && input.confirm && !(await input.confirm(targets))) {
      throw new OperationError('not confirmed, nothing was deleted: answer y, or pass --yes');
    }
  }

  if (input.dryRun) {
    return planned.map((p) => {
      if (!p.plan) return { UserName: p.UserName, error: p.error, removed: [] };
      const removed = p.plan.steps.map(recordOf);
      removed.forEach(emit);
      return { UserName: p.UserName, removed };
    });
  }

  const s3 = input.deleteObjects && clients.s3 ? await clients.s3() : undefined;
  return Promise.all(
    planned.map((p) =>
      limit(async (): Promise<UserOutcome> => {
        const removed: RemovalRecord[] = [];
        if (!p.plan) return { UserName: p.UserName, error: p.error, removed };
        for (const s of p.plan.steps) {
          try {
            if (s.Type === 'objects') {
              const Count = await runObjectsStep(s3, s);
              reporter.info(`${p.UserName}: deleted ${Count} object(s) under ${s.Id}`);
              const r = recordOf({ ...s, Count });
              removed.push(r);
              emit(r);
              continue;
            }
            if (await runStep(iam, s, reporter)) {
              reporter.info(`${p.UserName}: removed ${s.Type} ${s.Id}`);
              const r = recordOf(s);
              removed.push(r);
              emit(r);
            } else {
              reporter.info(`${p.UserName}: ${s.Type} ${s.Id} was already gone`);
            }
          } catch (err) {
            const why = err instanceof ObjectDeletionError ? `${err.message} (${err.deleted} deleted)` : describeAwsError(err);
            return { UserName: p.UserName, error: `removing ${s.Type} ${s.Id} failed: ${why}`, removed };
          }
        }
        return { UserName: p.UserName, removed };
      }),
    ),
  );
}
