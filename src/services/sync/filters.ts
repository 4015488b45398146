/**
 * --exclude / --include with aws-cli's semantics: every path starts included; each filter, in
 * command-line order, that matches the path sets it excluded or included, so later filters win.
 * Patterns match the whole path relative to the synced folder (for remote objects: relative to
 * the prefix), with fnmatch wildcards: `*` matches any run of characters *including* `/`, `?`
 * one character, `[abc]` / `[!abc]` a set. So `--exclude '*.tmp'` excludes a/b/c.tmp too, and
 * `--exclude 'logs/*'` everything under logs/.
 */

import { fnmatchGlob } from '../transfer/globs';

export interface Filter {
  type: 'exclude' | 'include';
  pattern: string;
}

export interface CompiledFilter {
  type: 'exclude' | 'include';
  regex: RegExp;
}

export function compileFilters(filters: readonly Filter[]): CompiledFilter[] {
  return filters.map((f) => ({ type: f.type, regex: fnmatchGlob(f.pattern) }));
}

/** Whether a relative path ('/'-separated) takes part in the sync. */
export function isIncluded(relativePath: string, filters: readonly CompiledFilter[]): boolean {
  let included = true;
  for (const f of filters) if (f.regex.test(relativePath)) included = f.type === 'include';
  return included;
}
