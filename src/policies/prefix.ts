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

/**
 * Why `path` is not a plain S3 folder or key path, or undefined: the one rule for --prefix, sync
 * destinations and upload keys. S3 resolves nothing, so `a/../b` is a key with a literal '..'
 * folder, `a//b` one with an empty folder name, and `/a` one whose first folder has no name: none
 * of them is what the person typing meant. Whitespace at either end of a folder name is refused as
 * a pasted mistake (' alice' would grant a folder no one meant).
 */
export function keyPathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return `starts with '/': S3 keys have no leading slash, use '${path.replace(/^\/+/, '')}'`;
  const control = /[\x00-\x1f\x7f-\x9f]/.exec(path);
  if (control) return `contains the control character ${codePoint(control[0])}: remove it`;
  if (path.includes('//')) return "contains '//', an empty folder name: use single slashes";
  const segments = path.split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    return "has a '.' or '..' segment: S3 does not resolve them, so the key would not be where you mean; write the folder path plainly";
  }
  const spaceName = (c: string) => (c === ' ' ? 'a space' : `whitespace (${codePoint(c)})`);
  const pasted = 'whitespace at either end of a folder or file name is usually pasted by mistake, remove it';
  if (/^\s/u.test(path)) return `starts with ${spaceName(path[0]!)}: ${pasted}`;
  if (/\s$/u.test(path)) return `ends with ${spaceName(path[path.length - 1]!)}: ${pasted}`;
  for (const segment of segments) {
    const edge = /^\s/u.test(segment) ? 'starts' : /\s$/u.test(segment) ? 'ends' : undefined;
    if (!edge) continue;
    const c = edge === 'starts' ? segment[0]! : segment[segment.length - 1]!;
    return `has a folder name that ${edge} with ${spaceName(c)} ('${segment}'): ${pasted}`;
  }
  return undefined;
}

export function normalizePrefix(raw: string): NormalizedPrefix {
  const shown = raw.length > 60 ? `${raw.slice(0, 40)}...` : raw;
  const bad = (problem: string) => new UsageError(`prefix '${shown.replace(/[\x00-\x1f\x7f-\x9f]/g, '?')}' ${problem}`);
  if (raw === '') throw new UsageError("prefix is empty: give a folder such as 'alice/', or no prefix to share the whole bucket");
  const pathProblem = keyPathProblem(raw);
  if (pathProblem) throw bad(pathProblem);
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

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * A key that something is written to (put-object, an upload link): the same path rule as --prefix,
 * so an upload never lands on `../x`, `a//b` or ' report.pdf' by a slip of the keyboard.
 */
export function validateDestinationKey(key: string): void {
  if (key === '') throw new UsageError('the key is empty: give the key to upload to');
  const problem = keyPathProblem(key);
  if (problem) {
    const shown = key.length > 60 ? `${key.slice(0, 40)}...` : key;
    throw new UsageError(`key '${shown.replace(/[\x00-\x1f\x7f-\x9f]/g, '?')}' ${problem}`);
  }
  const bytes = new TextEncoder().encode(key).length;
  if (bytes > MAX_KEY_BYTES) {
    throw new UsageError(`the key is ${bytes} bytes long: S3 keys are at most ${MAX_KEY_BYTES} bytes, choose a shorter one`);
  }
}
