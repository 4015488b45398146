/**
 * Rules for input that is checked before any AWS call and has no other home: the characters of a
 * console password, and how large a policy source may be before it is read. (Bucket names live in
 * bucket-names.ts, prefixes and keys in prefix.ts, IAM names in names.ts.) Pure.
 */
import { UsageError } from '../errors';

/** IAM's longest console password (CreateLoginProfile's Password is 1 to 128 characters). */
export const MAX_PASSWORD_LENGTH = 128;

/**
 * Why IAM would not take `password` as a console password, whatever the account's password
 * policy, or undefined. The CreateLoginProfile API reference gives Password the pattern
 * [\u0009\u000A\u000D\u0020-\u00FF]+ (1 to 128 characters), and the IAM User Guide's password
 * policy page (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html)
 * counts only ASCII letters, digits and symbols. We accept printable ASCII: the API's pattern also lets
 * through tab, line feed, carriage return and Latin-1, but the sign-in page cannot type the
 * first three and keyboards differ on the rest, so such a password may never be usable. The
 * answer never quotes the password, nor says which character or where: it is a secret.
 */
export function passwordCharacterProblem(password: string): string | undefined {
  if (password.length > MAX_PASSWORD_LENGTH) return `it is longer than ${MAX_PASSWORD_LENGTH} characters`;
  if (/[\x00-\x1f\x7f]/.test(password)) return 'it contains a control character (such as a tab)';
  if (/[^\x20-\x7e]/.test(password)) {
    return 'it contains a character outside printable ASCII (letters, digits, space and !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ only)';
  }
  return undefined;
}

/**
 * The most a policy source (--policy FILE, --policy -, --policy '{...}', the --statement texts
 * together) may hold, in bytes. IAM's largest documents are small (a managed policy is 6,144
 * characters without whitespace, a bucket policy 20 KB), so 256 KiB leaves room for a generously
 * indented template and still refuses a wrong file (a log, a dump) at once, before it is parsed.
 */
export const MAX_POLICY_SOURCE_BYTES = 256 * 1024;

export function policySourceTooLarge(source: string, bytes: number | 'more'): UsageError {
  const size = bytes === 'more' ? `more than ${MAX_POLICY_SOURCE_BYTES.toLocaleString('en-US')}` : bytes.toLocaleString('en-US');
  return new UsageError(
    `${source} is ${size} bytes, over the ${MAX_POLICY_SOURCE_BYTES.toLocaleString('en-US')}-byte limit for a policy source: ` +
      'IAM and S3 accept documents of at most 20 KB, check that it is the policy you meant',
  );
}
