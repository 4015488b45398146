/**
 * How s3-share marks what it made for a user, so that delete-user can tell it apart from what
 * others made: create writes these marks, delete-user reads them.
 */

/** Tag on a role made by `create --role`: its value is the user that may assume it. */
export const ROLE_OWNER_TAG = 's3-share:user';

/** The path of managed policies s3-share creates. */
export const MANAGED_POLICY_PATH = '/s3-share/';
/** The name prefix of managed policies s3-share creates. */
export const MANAGED_POLICY_NAME_PREFIX = 's3-share';

/** arn:aws:iam::ACCOUNT:policy/PATH/NAME -> path and name; undefined for AWS-managed policies. */
export function customerPolicyParts(arn: string): { path: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):policy(\/(?:.*\/)?)([^/]+)$/.exec(arn);
  if (!m) return undefined;
  return { path: m[2]!, name: m[3]! };
}

/** A customer-managed policy that s3-share created: path /s3-share/ or a name starting with "s3-share". */
export function isS3ShareManagedPolicy(arn: string): boolean {
  const parts = customerPolicyParts(arn);
  return !!parts && (parts.path === MANAGED_POLICY_PATH || parts.name.startsWith(MANAGED_POLICY_NAME_PREFIX));
}
