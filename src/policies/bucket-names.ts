/**
 * S3 general purpose bucket naming rules, checked before a name goes into a policy ARN or an AWS
 * call. The rules follow the S3 User Guide, "General purpose bucket naming rules". Buckets created
 * in us-east-1 before March 2018 could have uppercase letters or underscores; such legacy names are
 * rejected here, as S3 no longer allows creating them.
 */
import { UsageError } from '../errors';

const RESERVED_PREFIXES: ReadonlyArray<[string, string]> = [
  ['xn--', 'S3 reserves it'],
  ['sthree-', 'S3 reserves it'],
  ['amzn-s3-demo-', 'S3 reserves it for documentation examples'],
];

const RESERVED_SUFFIXES: ReadonlyArray<[string, string]> = [
  ['-s3alias', 'S3 reserves it for access point aliases: give the name of the bucket itself'],
  ['--ol-s3', 'S3 reserves it for Object Lambda access point aliases: give the name of the bucket itself'],
  ['.mrap', 'S3 reserves it for Multi-Region Access Points: give the name of the bucket itself'],
  ['--x-s3', 'it names a directory bucket (S3 Express One Zone), which s3-share does not support: give a general purpose bucket'],
  ['--table-s3', 'it names a table bucket (S3 Tables), which s3-share does not support: give a general purpose bucket'],
];

/** Throws a UsageError saying what is wrong with `name` if S3 would not accept it as a bucket name. */
export function validateBucketName(name: string): void {
  const bad = (problem: string) => new UsageError(`bucket name '${name}' ${problem}`);
  if (/^s3:\/\//i.test(name)) throw bad(`is a URL: give just the bucket name, such as '${name.slice(5).split('/')[0]}'`);
  if (/^arn:/i.test(name)) throw bad(`is an ARN: give just the bucket name, such as '${name.split(':').pop()?.split('/')[0]}'`);
  if (name.includes('/')) {
    throw bad(
      `contains '/': give the bucket name alone and the folder with --prefix, such as '${name.split('/')[0]} --prefix ${name.slice(name.indexOf('/') + 1)}'`,
    );
  }
  if (name.length < 3 || name.length > 63) {
    throw bad(`has ${name.length} characters: S3 bucket names have 3 to 63 characters`);
  }
  if (/[A-Z]/.test(name) && /^[a-zA-Z0-9.-]+$/.test(name)) {
    throw bad(`has uppercase letters: S3 bucket names are lowercase, such as '${name.toLowerCase()}'`);
  }
  const other = /[^a-z0-9.-]/.exec(name);
  if (other) {
    const c = other[0];
    const shown =
      c === ' ' ? 'a space' : /[\x21-\x7e]/.test(c) ? `'${c}'` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw bad(`contains ${shown}: S3 bucket names have only lowercase letters, digits, dots and hyphens`);
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    throw bad('must start and end with a letter or digit: remove the leading or trailing dot or hyphen');
  }
  if (name.includes('..')) throw bad('contains two adjacent dots: S3 does not allow that, check the name');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) throw bad('is formatted like an IP address: S3 does not allow that, check the name');
  for (const [prefix, why] of RESERVED_PREFIXES) {
    if (name.startsWith(prefix)) throw bad(`starts with '${prefix}': ${why}, check the name`);
  }
  for (const [suffix, why] of RESERVED_SUFFIXES) {
    if (name.endsWith(suffix)) throw bad(`ends with '${suffix}': ${why}`);
  }
}

/** Validates every name and returns them without repeats, in the order given. */
export function validateBucketNames(names: readonly string[]): string[] {
  if (names.length === 0) throw new UsageError('no bucket given: name at least one bucket');
  for (const name of names) validateBucketName(name);
  return [...new Set(names)];
}
