/**
 * The matching rules of IAM policy evaluation that are not about conditions: wildcards, policy
 * variables, actions, resources and principals. Pure functions on strings.
 */
import { Tri, TRUE, FALSE, unknown } from './tri';

/** The context keys this evaluator resolves; any other key leaves a statement's applicability unknown. */
export const KNOWN_KEYS: ReadonlySet<string> = new Set(
  [
    's3:prefix',
    's3:delimiter',
    's3:x-amz-acl',
    'aws:SecureTransport',
    'aws:SourceIp',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:username',
    'aws:CurrentTime',
  ].map((k) => k.toLowerCase()),
);

/** Request context values, keys already lower-cased (condition keys are case-insensitive). */
export type Context = ReadonlyMap<string, readonly string[]>;

const escapeRegex = (s: string) => s.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');

interface PatternOptions {
  wildcards: boolean;
  ignoreCase: boolean;
  variables: boolean;
}

/**
 * A pattern as a regular expression: `*` and `?` as wildcards when asked, `${key}` policy variables
 * replaced by the (escaped, literal) context value. A variable whose key is absent makes the pattern
 * match nothing (IAM: the element does not match); one whose key this evaluator does not resolve
 * makes the match unknown.
 */
export function compilePattern(pattern: string, context: Context, options: PatternOptions): RegExp | null | { unknownKey: string } {
  let source = '';
  const parts = options.variables ? pattern.split(/(\$\{[^}]*\})/) : [pattern];
  for (const part of parts) {
    const variable = /^\$\{([^}]*)\}$/.exec(part);
    if (options.variables && variable) {
      const inner = variable[1].trim();
      // ${*}, ${?} and ${$} are the documented escapes for the literal characters.
      if (inner === '*' || inner === '?' || inner === '$') {
        source += escapeRegex(inner);
        continue;
      }
      const [name, fallback] = inner.split(/\s*,\s*/, 2);
      const key = name.toLowerCase();
      if (!KNOWN_KEYS.has(key)) return { unknownKey: name };
      const value = context.get(key)?.[0];
      const defaulted = value ?? (fallback !== undefined ? fallback.replace(/^'(.*)'$/, '$1') : undefined);
      if (defaulted === undefined) return null;
      source += escapeRegex(defaulted);
      continue;
    }
    source += options.wildcards
      ? part
          .split('')
          .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegex(c)))
          .join('')
      : escapeRegex(part);
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}

// The same patterns come back for every request of a report (one policy against many actions and
// keys): one without variables is compiled once. Bounded, so a long-running caller's memory stays flat.
const COMPILED = new Map<string, RegExp>();
const COMPILED_LIMIT = 10_000;

function compileCached(pattern: string, context: Context, options: PatternOptions): ReturnType<typeof compilePattern> {
  if (options.variables && pattern.includes('${')) return compilePattern(pattern, context, options);
  const key = `${options.wildcards ? 'w' : '-'}${options.ignoreCase ? 'i' : '-'}${pattern}`;
  let re = COMPILED.get(key);
  if (!re) {
    if (COMPILED.size >= COMPILED_LIMIT) COMPILED.clear();
    re = compilePattern(pattern, context, options) as RegExp;
    COMPILED.set(key, re);
  }
  return re;
}

/** Does `value` match `pattern`: true, false, or unknown (naming the key) when a variable is not resolved. */
export function matchPattern(pattern: string, value: string, context: Context, options: PatternOptions): Tri {
  const compiled = compileCached(pattern, context, options);
  if (compiled === null) return FALSE;
  if (!(compiled instanceof RegExp)) return unknown(compiled.unknownKey);
  return compiled.test(value) ? TRUE : FALSE;
}

/** Action names are case-insensitive and take wildcards; no policy variables. */
export function actionMatches(pattern: string, action: string): boolean {
  return matchPattern(pattern, action, new Map(), { wildcards: true, ignoreCase: true, variables: false }).value === true;
}

/** ARNs are case-sensitive, take wildcards, and (in 2012-10-17 documents) policy variables. */
export function resourceMatches(pattern: string, resource: string, context: Context, variables: boolean): Tri {
  return matchPattern(pattern, resource, context, { wildcards: true, ignoreCase: false, variables });
}

/** Who is asking, as the principal rules need it. */
export interface PrincipalInfo {
  anonymous: boolean;
  /** The ARN as the request carries it: a user, a role, or an assumed-role session. */
  arn?: string;
  account?: string;
  /** For an assumed-role session: the role's ARN (what aws:PrincipalArn holds). */
  roleArn?: string;
  /** For an IAM user: its name (aws:username). */
  userName?: string;
}

export function describePrincipal(arn: string | undefined, roleArn?: string): PrincipalInfo {
  if (arn === undefined) return { anonymous: true };
  const m = /^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$/.exec(arn);
  if (!m) return { anonymous: false, arn };
  const [, partition, service, account, rest] = m;
  if (service === 'iam' && rest.startsWith('user/')) return { anonymous: false, arn, account, userName: rest.split('/').pop() };
  if (service === 'sts' && rest.startsWith('assumed-role/')) {
    const role = rest.split('/')[1];
    return { anonymous: false, arn, account, roleArn: roleArn ?? `arn:${partition}:iam::${account}:role/${role}` };
  }
  return { anonymous: false, arn, account };
}

/**
 * How one entry of a resource policy's Principal names the caller: `direct` (its own ARN, or `*`),
 * `role` (the role of an assumed-role session), `account` (its account, as a bare ID or the root
 * ARN), or not at all. The difference matters: in the same account an account-level grant only
 * delegates to IAM, and a role-level grant stays inside the boundary and session policy.
 */
export type PrincipalMatch = 'direct' | 'role' | 'account' | 'none';

export function principalEntryMatches(entry: string, who: PrincipalInfo): PrincipalMatch {
  if (entry === '*') return 'direct';
  if (entry === who.arn) return 'direct';
  if (who.roleArn !== undefined && entry === who.roleArn) return 'role';
  if (who.account !== undefined && (entry === who.account || /^arn:[^:]+:iam::(\d{12}):root$/.exec(entry)?.[1] === who.account))
    return 'account';
  return 'none';
}

const RANK: Record<PrincipalMatch, number> = { direct: 3, role: 2, account: 1, none: 0 };

/** The strongest way any of a Principal element's entries names the caller. */
export function principalMatches(principal: unknown, who: PrincipalInfo): PrincipalMatch {
  let best: PrincipalMatch = 'none';
  for (const entry of principalEntries(principal)) {
    const m = principalEntryMatches(entry, who);
    if (RANK[m] > RANK[best]) best = m;
  }
  return best;
}

/** The AWS entries of a Principal element (`"*"` counts as `{"AWS": "*"}`); other kinds name no IAM caller. */
export function principalEntries(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (!principal || typeof principal !== 'object') return [];
  const aws = (principal as Record<string, unknown>).AWS;
  return (Array.isArray(aws) ? aws : aws === undefined ? [] : [aws]).filter((v): v is string => typeof v === 'string');
}
