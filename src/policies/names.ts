/**
 * The names `create` gives to what it makes: the default user name, the inline policy's name, the
 * role session name. All deterministic, so running the same create twice names things alike.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors';

/** What the policy allows: a built-in mode, or custom when the user wrote (part of) it. */
export type GrantMode = 'read-write' | 'read-only' | 'write-only' | 'custom';

export const IAM_NAME_LIMIT = 64;
const IAM_NAME = /^[A-Za-z0-9+=,.@_-]+$/;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A name cut to `limit` characters: the first characters, '-', then 8 hex digits of the SHA-256 of
 * the whole name, so two long names that share a beginning still differ, and the same long name
 * always gives the same short one.
 */
export function shortenName(name: string, limit = IAM_NAME_LIMIT): string {
  if (name.length <= limit) return name;
  return `${name.slice(0, limit - 9)}-${sha256Hex(name).slice(0, 8)}`;
}

/** `s3.<mode>.<bucket1>,<bucket2>`, shortened to IAM's 64 characters when longer. */
export function defaultUserName(mode: GrantMode, buckets: readonly string[]): string {
  return shortenName(`s3.${mode}.${buckets.join(',')}`);
}

/** IAM user and role names: 1-64 characters of letters, digits and + = , . @ _ -. */
export function validateIamName(name: string, what: string): string {
  if (name.length < 1 || name.length > IAM_NAME_LIMIT) {
    throw new UsageError(`${what} '${name}' is ${name.length} characters: IAM allows 1 to ${IAM_NAME_LIMIT}`);
  }
  const bad = /[^A-Za-z0-9+=,.@_-]/.exec(name);
  if (bad || !IAM_NAME.test(name)) {
    throw new UsageError(`${what} '${name}' contains '${bad?.[0] ?? '?'}': IAM allows only letters, digits and + = , . @ _ -`);
  }
  return name;
}

/**
 * `s3-share.<mode>.<8 hex of the policy's SHA-256>`: stable for the same grant, so repeating a
 * create does not pile up copies, and distinct for a different grant added to the same user.
 */
export function inlinePolicyName(mode: GrantMode, minifiedPolicy: string): string {
  return `s3-share.${mode}.${sha256Hex(minifiedPolicy).slice(0, 8)}`;
}

/** A RoleSessionName (2-64 of [\w+=,.@-]) naming the buckets, for CloudTrail. */
export function roleSessionName(buckets: readonly string[]): string {
  const raw = `s3-share.${buckets.join(',')}`.replace(/[^\w+=,.@-]/g, '-');
  return shortenName(raw);
}
