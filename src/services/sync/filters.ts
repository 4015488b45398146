/**
 * --exclude / --include with aws-cli's semantics: every path starts included; each filter, in
 * command-line order, that matches the path sets it excluded or included, so later filters win.
 * Patterns match the whole path relative to the synced folder (for remote objects: relative to
 * the prefix), with fnmatch wildcards: `*` matches any run of characters *including* `/`, `?`
 * one character, `[abc]` / `[!abc]` a set. So `--exclude '*.tmp'` excludes a/b/c.tmp too, and
 * `--exclude 'logs/*'` everything under logs/.
 */

export interface Filter {
  type: 'exclude' | 'include';
  pattern: string;
}

export interface CompiledFilter {
  type: 'exclude' | 'include';
  regex: RegExp;
}

/** fnmatch-style pattern to an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

export function compileFilters(filters: readonly Filter[]): CompiledFilter[] {
  return filters.map((f) => ({ type: f.type, regex: globToRegExp(f.pattern) }));
}

/** Whether a relative path ('/'-separated) takes part in the sync. */
export function isIncluded(relativePath: string, filters: readonly CompiledFilter[]): boolean {
  let included = true;
  for (const f of filters) if (f.regex.test(relativePath)) included = f.type === 'include';
  return included;
}
