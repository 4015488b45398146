/**
 * The two glob dialects s3-share reads, as anchored regular expressions over '/'-separated keys:
 * - `folderGlob` (get-objects --glob): `*` and `?` stay within one folder, `**` crosses them,
 *   as in a shell with globstar;
 * - `fnmatchGlob` (get-objects -p/--pattern, assume-and-sync --exclude / --include): Python's
 *   fnmatch, as s3-credentials and aws-cli read patterns, where `*` also matches `/`.
 * Both read `[abc]`, `[a-z]` and `[!abc]` sets the way fnmatch does: a `]` first in a set is one of
 * its characters (`[]a]` is `]` or `a`), and a set that cannot be a class (`[z-a]`, a range out of
 * order) is a usage error naming the pattern, not a crash.
 *
 * Written here rather than taken from picomatch: picomatch 4 reads `[!a]` as a set of `!` and `a`
 * (not as fnmatch's negation), has no mode where a single `*` crosses `/` while `[!...]` negates,
 * and turns an invalid range into a pattern that silently matches nothing.
 */
import { UsageError } from '../../errors';

/** The set starting at pattern[i] === '[': its regex source and the index of its `]`, or none when unclosed. */
function bracketSet(pattern: string, i: number): { source: string; end: number } | undefined {
  let j = i + 1;
  const negate = pattern[j] === '!';
  if (negate) j++;
  // A ']' right after '[' or '[!' is a member, not the end.
  const end = pattern.indexOf(']', pattern[j] === ']' ? j + 1 : j);
  if (end < 0) return undefined;
  const members = pattern.slice(j, end).replace(/[\\\]^[]/g, '\\$&');
  return { source: `[${negate ? '^' : ''}${members}]`, end };
}

function compile(pattern: string, flag: string, translateStar: (pattern: string, i: number) => { source: string; end: number }): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      const star = translateStar(pattern, i);
      out += star.source;
      i = star.end;
    } else if (c === '?') out += flag === 'folder' ? '[^/]' : '.';
    else if (c === '[') {
      const set = bracketSet(pattern, i);
      if (!set) out += '\\[';
      else {
        out += set.source;
        i = set.end;
      }
    } else out += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  try {
    return new RegExp(`^${out}$`, 's');
  } catch {
    throw new UsageError(`'${pattern}' is not a valid pattern (a set such as [z-a] runs backwards): write ranges low to high, as [a-z]`);
  }
}

/** get-objects --glob: `*` and `?` within one folder, `**` across folders (`**\/` also none). */
export function folderGlob(pattern: string): RegExp {
  return compile(pattern, 'folder', (p, i) => {
    if (p[i + 1] !== '*') return { source: '[^/]*', end: i };
    if (p[i + 2] === '/') return { source: '(?:.*/)?', end: i + 2 };
    return { source: '.*', end: i + 1 };
  });
}

/** get-objects -p/--pattern, --exclude / --include: fnmatch, where `*` matches any run of characters, `/` included. */
export function fnmatchGlob(pattern: string): RegExp {
  return compile(pattern, 'fnmatch', (_p, i) => ({ source: '.*', end: i }));
}
