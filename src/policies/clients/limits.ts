/**
 * The ceilings a client list runs into: IAM's users per account, and how many `account` clients
 * one 20 KB bucket policy holds (each is a grant of several statements naming its principal).
 */
import { grantStatements, parseAccountPrincipal } from '../bucket-grants';
import { POLICY_SIZE_LIMITS } from '../documents';
import type { AccessMode } from '../templates';

/** IAM users per account (an AWS quota that cannot be raised). */
export const USERS_PER_ACCOUNT = 5000;
/** plan warns past this share of the quota. */
export const USERS_WARNING_SHARE = 0.9;

/** Characters one account client's grant adds to a bucket policy, whitespace not counted. */
export function accountGrantSize(mode: AccessMode, prefix: string | undefined, bucket: string): number {
  const statements = grantStatements({
    bucket,
    principal: parseAccountPrincipal('111122223333'),
    mode,
    prefix,
    requireBucketOwnerFullControl: mode !== 'read-only',
  });
  // Each statement is an element of the Statement array: its JSON and a separating comma.
  return statements.reduce((sum, s) => sum + JSON.stringify(s).length + 1, 0);
}

/** How many account clients of this shape fit in one bucket policy, the document's frame included. */
export function accountClientsPerBucketPolicy(mode: AccessMode, prefix: string | undefined, bucket: string): number {
  const frame = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;
  return Math.floor((POLICY_SIZE_LIMITS.bucket - frame) / accountGrantSize(mode, prefix, bucket));
}
