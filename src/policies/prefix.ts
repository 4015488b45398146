/**
 * A prefix names a folder: the grant covers keys that start with it. It always ends in '/', so a
 * grant for 'alice' can never reach 'alice-evil/': `alice` and `alice/` both mean the folder
 * `alice/`. It goes into ARNs and a StringLike condition, where '*', '?' and '${...}' have meaning,
 * so those characters are refused rather than escaped.
 */
import { UsageError } from '../errors';

/** Longest prefix accepted, in UTF-8 bytes: S3 keys are at most 1,024 bytes and need room for a file name. */
export const MAX_PREFIX_BYTES = 1000;

export interface NormalizedPrefix {
  /** The folder, ending in '/'. */
  prefix: string;
  /** Set when the trailing slash was added, for the user to see on stderr. */
  notice?: string;
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function normalizePrefix(raw: string): NormalizedPrefix {
  const shown = raw.length > 60 ? `${raw.slice(0, 40)}...` : raw;
  const bad = (problem: string) => new UsageError(`prefix '${shown.replace(/[\x00-\x1f\x7f-\x9f]/g, '?')}' ${problem}`);
  if (raw === '') throw new UsageError("prefix is empty: give a folder such as 'alice/', or no prefix to share the whole bucket");
  if (raw.startsWith('/')) {
    throw bad(`starts with '/': S3 keys have no leading slash, use '${raw.replace(/^\/+/, '')}'`);
  }
  const control = /[\x00-\x1f\x7f-\x9f]/.exec(raw);
  if (control) throw bad(`contains the control character ${codePoint(control[0])}: remove it`);
  for (const [c, why] of [
    ['*', 'IAM reads it as a wildcard'],
    ['?', 'IAM reads it as a wildcard'],
    ['$', 'IAM reads ${...} as a policy variable'],
  ] as const) {
    if (raw.includes(c)) throw bad(`contains '${c}', which ${why}: a prefix is a literal folder name, remove it`);
  }
  const outside = /[^\x20-\xff]/u.exec(raw);
  if (outside) {
    throw bad(
      `contains '${outside[0]}' (${codePoint(outside[0])}): IAM policies may only contain Latin-1 characters, choose a folder name without it`,
    );
  }
  if (raw.includes('//')) throw bad("contains '//', an empty folder name: use single slashes");
  const segments = raw.split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    throw bad(
      "has a '.' or '..' segment: S3 does not resolve them, so the grant would not cover the folder you mean; write the folder path plainly",
    );
  }
  const prefix = raw.endsWith('/') ? raw : `${raw}/`;
  const bytes = new TextEncoder().encode(prefix).length;
  if (bytes > MAX_PREFIX_BYTES) {
    throw bad(
      `is ${bytes} bytes long: S3 keys are at most 1,024 bytes, so keep the prefix to ${MAX_PREFIX_BYTES.toLocaleString('en-US')} bytes`,
    );
  }
  if (prefix === raw) return { prefix };
  return { prefix, notice: `prefix ${raw} means the folder ${prefix}; added the trailing slash` };
}
