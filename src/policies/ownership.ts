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

/*
 * Tags on every user, role and managed policy s3-share creates, so its principals are recognisable
 * in the console, in CloudTrail and by later runs (s3-credentials issue 80). Values keep to the
 * characters IAM allows in tags (letters, digits, spaces and _ . : / = + - @), at most 256.
 */
/** "s3-share/VERSION": made by s3-share. Its presence is what makes a principal s3-share's own. */
export const TAG_MADE_BY = 's3-share:made-by';
/** When it was made: ISO 8601 UTC to the second, e.g. 2026-12-04T18:20:00Z. */
export const TAG_CREATED = 's3-share:created';
/** What was granted, e.g. "read-only photos/alice/ archive" (see grantTagValue). */
export const TAG_GRANT = 's3-share:grant';
/** When the access ends (create --expires, a client list's expires): ISO 8601 UTC; absent: never. */
export const TAG_EXPIRES = 's3-share:expires';
/** "key" while a new key has not yet been delivered (apply): a re-run replaces that key. */
export const TAG_PENDING = 's3-share:pending';

/** The most characters IAM allows in a tag value. */
export const TAG_VALUE_MAX = 256;

/** A tag value IAM accepts: other characters become "_", and it is cut to 256 characters. */
export function tagValue(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, TAG_VALUE_MAX);
}

/** The grant tag: mode, then each bucket with its prefix ("read-only photos/alice/ archive"). */
export function grantTagValue(mode: string, buckets: readonly string[], prefixes: readonly string[] = []): string {
  const places = prefixes.length ? buckets.flatMap((b) => prefixes.map((p) => `${b}/${p}`)) : [...buckets];
  return tagValue([mode, ...places].join(' '));
}

/** ISO 8601 UTC to the second, as the created and expires tags hold it. */
export function tagTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whether a principal's tags say s3-share made it. */
export function madeByS3Share(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): boolean {
  return !!tags?.some((t) => t.Key === TAG_MADE_BY);
}
