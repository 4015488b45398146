/**
 * AWS caps the TOTAL of one user's inline policies at 2,048 characters (whitespace not counted).
 * A new user's policy is checked alone before any AWS call; a reused user's existing inline
 * policies count too, so they are read (GetUserPolicy) and added up before anything is written.
 */
import { GetUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { OperationError } from '../../errors';
import { POLICY_SIZE_LIMITS, policySize, type PolicyDocument } from '../../policies/documents';
import { decodePolicyDocument } from '../../policies/statements';

/** The size AWS counts for a stored document (URL-encoded JSON, as GetUserPolicy returns it). */
export function storedPolicySize(document: string): number {
  const decoded = decodePolicyDocument(document);
  if (decoded && typeof decoded === 'object') return policySize(decoded as PolicyDocument);
  return [...String(decoded ?? '').replace(/\s/g, '')].length;
}

const n = (x: number) => x.toLocaleString('en-US');

/**
 * Throws before any write when the user's other inline policies plus the new one exceed the limit.
 * A policy of the same name is replaced by the new one, so it is not counted twice.
 */
export async function checkUserInlineTotal(
  iam: IAMClient,
  userName: string,
  existingNames: ReadonlySet<string>,
  newPolicy: { name: string; document: PolicyDocument },
): Promise<number> {
  const others = [...existingNames].filter((name) => name !== newPolicy.name);
  const sizes = await Promise.all(
    others.map(async (PolicyName) =>
      storedPolicySize((await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName }))).PolicyDocument ?? ''),
    ),
  );
  const existing = sizes.reduce((a, b) => a + b, 0);
  const added = policySize(newPolicy.document);
  const total = existing + added;
  const limit = POLICY_SIZE_LIMITS['user-inline'];
  if (total > limit) {
    throw new OperationError(
      `user ${userName}'s inline policies would total ${n(total)} characters (not counting whitespace), over AWS's ${n(limit)}-character limit for all of a user's inline policies: its ${others.length} other inline ${others.length === 1 ? 'policy has' : 'policies have'} ${n(existing)} and ${newPolicy.name} ${n(added)}; remove one it no longer needs (aws iam delete-user-policy --user-name ${userName} --policy-name ...), or pick another --username`,
      'LimitExceeded',
    );
  }
  return total;
}
