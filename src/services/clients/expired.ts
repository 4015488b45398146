/**
 * The users whose access has ended: made by s3-share, with an expires tag at or before now. For
 * delete-user --expired; apply --prune-expired decides the same through changes.ts.
 */
import { TagUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { hasExpired } from '../../policies/expiry';
import { TAG_EXPIRES, tagTime } from '../../policies/ownership';
import { readAccountState } from './account-state';
import { step, type PlanStep } from '../plan';

export async function expiredUsers(iam: IAMClient, now: Date): Promise<string[]> {
  const { users } = await readAccountState(iam, [], 1);
  return [...users.values()]
    .filter((u) => {
      const value = u.tags.get(TAG_EXPIRES);
      return u.madeByS3Share && !!value && hasExpired(new Date(value), now);
    })
    .map((u) => u.userName)
    .sort();
}

/** create --expires: the user's expires tag, set alongside its policy (TagUser adds or replaces). */
export function expiresTagStep(iam: IAMClient, userName: string, expires: Date): PlanStep {
  const Tags = [{ Key: TAG_EXPIRES, Value: tagTime(expires) }];
  return step<unknown>({
    service: 'iam',
    operation: 'TagUser',
    description: `record the expiry ${tagTime(expires)} in the tags of user ${userName}`,
    input: { UserName: userName, Tags },
    run: () => iam.send(new TagUserCommand({ UserName: userName, Tags })),
  });
}
