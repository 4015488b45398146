/**
 * Condition blocks, evaluated the way IAM does for the operators in OPERATORS. Anything else (an
 * operator not in the table, a set operator, a key outside KNOWN_KEYS) leaves the block unknown,
 * naming the key: never a silent true or false.
 *
 * IAM's rules for a key the request does not carry: `...IfExists` is true; `Null` tests exactly
 * that; a negated operator (StringNotEquals, ArnNotLike, NotIpAddress, ...) is true; any other is
 * false. Several values for one key: any may match (negated: none may). Several keys or operators:
 * all must hold.
 */
import { type Context, KNOWN_KEYS, matchPattern } from './matching';
import { type Tri, TRUE, FALSE, and, known, not, or, unknown } from './tri';

type Compare = (policyValue: string, requestValue: string, context: Context) => Tri;

interface Operator {
  compare: Compare;
  /** A negated operator: true when no value matches, and when the key is absent. */
  negated: boolean;
}

const pattern =
  (wildcards: boolean, ignoreCase: boolean): Compare =>
  (p, v, ctx) =>
    matchPattern(p, v, ctx, { wildcards, ignoreCase, variables: true });

/** ArnEquals and ArnLike: each of the six colon-separated parts matched on its own, wildcards allowed. */
const arn: Compare = (p, v, ctx) => {
  const split = (s: string) => {
    const parts = s.split(':');
    return parts.length < 6 ? null : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const want = split(p);
  const got = split(v);
  if (!want || !got) return FALSE;
  return and(...want.map((w, i) => matchPattern(w, got[i], ctx, { wildcards: true, ignoreCase: false, variables: true })));
};

const bool: Compare = (p, v) => known(p.toLowerCase() === v.toLowerCase());

function parseDate(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

const date =
  (test: (request: number, policy: number) => boolean): Compare =>
  (p, v) => {
    const [policy, request] = [parseDate(p), parseDate(v)];
    return known(policy !== undefined && request !== undefined && test(request, policy));
  };

const ip: Compare = (p, v) => known(inCidr(v, p));

const OPERATORS: Record<string, Operator> = {
  StringEquals: { compare: pattern(false, false), negated: false },
  StringNotEquals: { compare: pattern(false, false), negated: true },
  StringEqualsIgnoreCase: { compare: pattern(false, true), negated: false },
  StringNotEqualsIgnoreCase: { compare: pattern(false, true), negated: true },
  StringLike: { compare: pattern(true, false), negated: false },
  StringNotLike: { compare: pattern(true, false), negated: true },
  ArnEquals: { compare: arn, negated: false },
  ArnLike: { compare: arn, negated: false },
  ArnNotEquals: { compare: arn, negated: true },
  ArnNotLike: { compare: arn, negated: true },
  Bool: { compare: bool, negated: false },
  DateEquals: { compare: date((r, p) => r === p), negated: false },
  DateNotEquals: { compare: date((r, p) => r === p), negated: true },
  DateLessThan: { compare: date((r, p) => r < p), negated: false },
  DateLessThanEquals: { compare: date((r, p) => r <= p), negated: false },
  DateGreaterThan: { compare: date((r, p) => r > p), negated: false },
  DateGreaterThanEquals: { compare: date((r, p) => r >= p), negated: false },
  IpAddress: { compare: ip, negated: false },
  NotIpAddress: { compare: ip, negated: true },
};

const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).map((x) => String(x));

/** One operator, one key, its values. */
function evaluateEntry(operatorName: string, keyName: string, values: unknown, context: Context): Tri {
  const key = keyName.toLowerCase();
  if (!KNOWN_KEYS.has(key)) return unknown(keyName);
  const policyValues = asStrings(values);
  const present = context.get(key);

  if (operatorName === 'Null') {
    const wantAbsent = policyValues.map((v) => v.toLowerCase() === 'true');
    return known(wantAbsent.some((w) => w === (present === undefined)));
  }

  const ifExists = operatorName.endsWith('IfExists');
  const op = OPERATORS[ifExists ? operatorName.slice(0, -'IfExists'.length) : operatorName];
  if (!op) return unknown(keyName);
  if (present === undefined) return known(ifExists || op.negated);

  const anyMatch = or(...present.flatMap((v) => policyValues.map((p) => op.compare(p, v, context))));
  return op.negated ? not(anyMatch) : anyMatch;
}

/** A statement's Condition element: true when every entry holds. */
export function evaluateCondition(condition: unknown, context: Context): Tri {
  if (condition === undefined) return TRUE;
  if (!condition || typeof condition !== 'object') return FALSE;
  const results: Tri[] = [];
  for (const [operatorName, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!block || typeof block !== 'object') return FALSE;
    for (const [keyName, values] of Object.entries(block as Record<string, unknown>)) {
      results.push(evaluateEntry(operatorName, keyName, values, context));
    }
  }
  return and(...results);
}

// IP addresses: a CIDR test on IPv4 and IPv6, written here because the policy layer stays free of
// node:net, and it is twenty lines.

function ipToBigInt(address: string): { bits: 32 | 128; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    const octets = address.split('.').map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { bits: 32, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!/^[0-9a-fA-F:]+$/.test(address) || address.split('::').length > 2) return undefined;
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

export function inCidr(address: string, cidr: string): boolean {
  const [base, lengthText] = cidr.split('/');
  const a = ipToBigInt(address);
  const b = ipToBigInt(base);
  if (!a || !b || a.bits !== b.bits) return false;
  const length = lengthText === undefined ? a.bits : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > a.bits) return false;
  const shift = BigInt(a.bits - length);
  return a.value >> shift === b.value >> shift;
}
