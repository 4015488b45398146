/**
 * The users whose access has ended: made by s3-share, with an expires tag at or before now. For
 * delete-user --expired; apply --prune-expired decides the same through changes.ts. (create --expires
 * records the tag in CreateUser itself, see creation-tags.ts.)
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { hasExpired } from '../../policies/expiry';
import { TAG_EXPIRES } from '../../policies/ownership';
import { readAccountState } from './account-state';

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
