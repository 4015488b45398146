/**
 * Template placeholders: `$!BUCKET_NAME!$` and `$!PREFIX!$`, the same markers s3-credentials'
 * templates use. They are filled in the parsed JSON, string by string, so a value can never break
 * the JSON around it.
 */
import { UsageError } from '../errors';

export const BUCKET_PLACEHOLDER = '$!BUCKET_NAME!$';
export const PREFIX_PLACEHOLDER = '$!PREFIX!$';
const KNOWN = [BUCKET_PLACEHOLDER, PREFIX_PLACEHOLDER];

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Throws a UsageError for anything that looks like a placeholder but is not one of the two. */
export function checkPlaceholders(text: string, source: string): void {
  const marker = /\$!([^\s"!$]*)(!\$)?/g;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    if (KNOWN.includes(m[0])) continue;
    const near = KNOWN.find((k) => k.slice(2, -2).toLowerCase() === m![1]!.toLowerCase());
    const fix = near ? `did you mean ${near}? (placeholders are uppercase)` : `use ${BUCKET_PLACEHOLDER} or ${PREFIX_PLACEHOLDER}`;
    const what = m[2] ? `an unknown placeholder ${m[0]}` : `an unfinished placeholder ${m[0]} (placeholders end with !$)`;
    throw new UsageError(`${source} has ${what} on line ${lineOf(text, m.index)}: ${fix}`);
  }
}

export function usesPlaceholder(text: string, placeholder: string): boolean {
  return text.includes(placeholder);
}

/** A copy of `value` with the placeholders in every string (keys included) replaced. */
export function fillPlaceholders<T>(value: T, values: { bucket: string; prefix?: string }): T {
  const fill = (s: string) =>
    s
      .split(BUCKET_PLACEHOLDER)
      .join(values.bucket)
      .split(PREFIX_PLACEHOLDER)
      .join(values.prefix ?? '');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fill(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [fill(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
