/**
 * Policy documents: their shape, checked the way IAM and S3 would check it (so a mistake is reported
 * here, with the statement it is in, rather than as MalformedPolicyDocument after half a `create`),
 * merging several into one, and their size as AWS counts it.
 */
import { UsageError } from '../errors';

export type ConditionValue = string | number | boolean;
export type Condition = Record<string, Record<string, ConditionValue | ConditionValue[]>>;
export type Principal = '*' | Record<string, string | string[]>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  NotPrincipal?: Principal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: Statement[];
}

/**
 * identity: attached to a user or passed as a session policy (no Principal, Sid letters and digits).
 * resource: a bucket policy (a Principal in every statement).
 */
export type PolicyKind = 'identity' | 'resource';

const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Suggests the expected key when `key` differs from one only by case or a trailing 's'. */
function hint(key: string, allowed: readonly string[]): string {
  const near = allowed.find((a) => a.toLowerCase() === key.toLowerCase() || `${a.toLowerCase()}s` === key.toLowerCase());
  return near ? ` (did you mean "${near}"?)` : '';
}

/** "statement 2 (Sid ReadObjects)", for messages. */
export function statementLabel(statement: unknown, index: number): string {
  const sid = isObject(statement) && typeof statement.Sid === 'string' && statement.Sid !== '' ? ` (Sid ${statement.Sid})` : '';
  return `statement ${index + 1}${sid}`;
}

/**
 * Checks that `value` is a policy document of the given kind and returns it typed, with Statement
 * always an array. `source` names where it came from ("--policy file p.json") for the messages.
 */
export function validatePolicyShape(value: unknown, kind: PolicyKind, source: string): PolicyDocument {
  const fail = (problem: string) => new UsageError(`${source} ${problem}`);
  if (!isObject(value)) {
    throw fail(`is not a policy document: expected a JSON object with "Version" and "Statement", found ${typeName(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!DOCUMENT_KEYS.includes(key)) {
      throw fail(`has an unknown element "${key}"${hint(key, DOCUMENT_KEYS)}: a policy document has only Version, Id and Statement`);
    }
  }
  if (value.Version === undefined) throw fail('has no "Version": add "Version": "2012-10-17"');
  if (value.Version !== '2012-10-17' && value.Version !== '2008-10-17') {
    throw fail(`has Version ${JSON.stringify(value.Version)}: use "2012-10-17"`);
  }
  if (value.Id !== undefined && typeof value.Id !== 'string') throw fail(`has an Id that is ${typeName(value.Id)}: make it a string`);
  if (value.Statement === undefined) throw fail('has no "Statement": add "Statement": [ ... ] with at least one statement');
  const list = Array.isArray(value.Statement) ? value.Statement : [value.Statement];
  if (!Array.isArray(value.Statement) && !isObject(value.Statement)) {
    throw fail(`has a Statement that is ${typeName(value.Statement)}: Statement is an object or an array of objects`);
  }
  if (list.length === 0) throw fail('has an empty Statement list: add at least one statement');
  const statements = list.map((s, i) => validateStatementShape(s, kind, `${source} ${statementLabel(s, i)}`));
  const sids = statements.map((s) => s.Sid).filter((sid): sid is string => !!sid);
  const repeated = sids.find((sid, i) => sids.indexOf(sid) !== i);
  if (repeated !== undefined) throw fail(`has two statements with Sid "${repeated}": give each statement its own Sid`);
  return { ...(value as unknown as PolicyDocument), Statement: statements };
}

function checkStringList(value: unknown, name: string, fail: (p: string) => UsageError): void {
  const ok = typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
  if (ok) {
    if ((typeof value === 'string' ? [value] : (value as string[])).some((v) => v === ''))
      throw fail(`has an empty string in ${name}: remove it`);
    return;
  }
  const found = Array.isArray(value) && value.length === 0 ? 'an empty array' : typeName(value);
  throw fail(`has ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} that is ${found}: ${name} is a string or a non-empty array of strings`);
}

function checkPrincipal(value: unknown, name: string, fail: (p: string) => UsageError): void {
  if (value === '*') return;
  if (!isObject(value) || Object.keys(value).length === 0) {
    throw fail(`has a ${name} that is ${typeName(value)}: use "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (!PRINCIPAL_KEYS.includes(key))
      throw fail(`has an unknown ${name} type "${key}"${hint(key, PRINCIPAL_KEYS)}: use AWS, Service, Federated or CanonicalUser`);
    checkStringList(v, `${name}.${key}`, fail);
  }
}

function checkCondition(value: unknown, fail: (p: string) => UsageError): void {
  if (!isObject(value))
    throw fail(`has a Condition that is ${typeName(value)}: Condition is an object such as {"StringLike": {"s3:prefix": ["docs/*"]}}`);
  for (const [operator, block] of Object.entries(value)) {
    if (!isObject(block)) {
      throw fail(
        `has a Condition operator ${operator} whose value is ${typeName(block)}: it must be an object of condition keys and values`,
      );
    }
    for (const [key, v] of Object.entries(block)) {
      const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
      if (!(scalar(v) || (Array.isArray(v) && v.length > 0 && v.every(scalar)))) {
        throw fail(`has a Condition ${operator} ${key} that is ${typeName(v)}: give a string, or an array of strings`);
      }
    }
  }
}

/** Checks one statement; `where` names it in messages ("--statement", "p.json statement 2"). */
export function validateStatementShape(value: unknown, kind: PolicyKind, where: string): Statement {
  const fail = (problem: string) => new UsageError(`${where} ${problem}`);
  if (!isObject(value)) throw fail(`is ${typeName(value)}: a statement is an object with Effect, Action and Resource`);
  for (const key of Object.keys(value)) {
    if (!STATEMENT_KEYS.includes(key)) {
      throw fail(`has an unknown element "${key}"${hint(key, STATEMENT_KEYS)}: a statement has only ${STATEMENT_KEYS.join(', ')}`);
    }
  }
  if (value.Sid !== undefined) {
    if (typeof value.Sid !== 'string') throw fail(`has a Sid that is ${typeName(value.Sid)}: make it a string`);
    // IAM accepts only ASCII letters and digits in an identity policy's Sid; S3 is more lenient.
    if (kind === 'identity' && !/^[A-Za-z0-9]*$/.test(value.Sid)) {
      throw fail(
        `has Sid "${value.Sid}": IAM allows only letters and digits in a Sid, such as "${value.Sid.replace(/[^A-Za-z0-9]/g, '')}"`,
      );
    }
  }
  if (value.Effect === undefined) throw fail('has no Effect: add "Effect": "Allow" or "Effect": "Deny"');
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') throw fail(`has Effect ${JSON.stringify(value.Effect)}: use "Allow" or "Deny"`);
  const pair = (a: string, b: string, required: boolean) => {
    if (value[a] !== undefined && value[b] !== undefined) throw fail(`has both ${a} and ${b}: use one of them`);
    if (required && value[a] === undefined && value[b] === undefined) throw fail(`has no ${a}: add "${a}" (or "${b}")`);
    for (const name of [a, b]) if (value[name] !== undefined) checkStringList(value[name], name, fail);
  };
  if (kind === 'identity') {
    for (const p of ['Principal', 'NotPrincipal']) {
      if (value[p] !== undefined)
        throw fail(`has a ${p}, which policies attached to a user cannot have: remove it (a Principal belongs in a bucket policy)`);
    }
  } else {
    if (value.Principal !== undefined && value.NotPrincipal !== undefined)
      throw fail('has both Principal and NotPrincipal: use one of them');
    if (value.Principal === undefined && value.NotPrincipal === undefined)
      throw fail('has no Principal: a bucket policy statement says whom it applies to, such as "Principal": "*"');
    if (value.Principal !== undefined) checkPrincipal(value.Principal, 'Principal', fail);
    if (value.NotPrincipal !== undefined) checkPrincipal(value.NotPrincipal, 'NotPrincipal', fail);
  }
  pair('Action', 'NotAction', true);
  pair('Resource', 'NotResource', true);
  if (value.Condition !== undefined) checkCondition(value.Condition, fail);
  return value as unknown as Statement;
}

/**
 * IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF in a policy document, so
 * a prefix or resource with other characters is refused before it reaches AWS.
 */
export function checkPolicyCharacters(doc: PolicyDocument, source: string): void {
  doc.Statement.forEach((statement, i) => {
    const bad = /[^\t\n\r\x20-\xff]/u.exec(JSON.stringify(statement));
    if (bad) {
      const code = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new UsageError(
        `${source} ${statementLabel(statement, i)} contains '${bad[0]}' (${code}): IAM policies may only contain Latin-1 characters, remove it`,
      );
    }
  });
}

/** Statements as JSON with sorted keys, so equal statements compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function asList(value: string | string[]): string[] {
  return typeof value === 'string' ? [value] : value;
}

/**
 * One document from several (a template rendered once per bucket). Identical statements appear
 * once; statements that differ only in Resource become one statement over all the resources, which
 * grants exactly the same (a Resource list matches if any entry matches). NotResource lists are
 * never combined that way: "everything but A" plus "everything but B" is not "everything but A and
 * B". Statements that still share a Sid are renumbered (Sid, Sid2, Sid3...), as AWS wants Sids unique.
 */
export function mergePolicies(documents: readonly PolicyDocument[]): PolicyDocument {
  const merged: Statement[] = [];
  const byShape = new Map<string, Statement>();
  const seen = new Set<string>();
  for (const doc of documents) {
    for (const statement of doc.Statement) {
      const whole = canonical(statement);
      if (seen.has(whole)) continue;
      seen.add(whole);
      if (statement.Resource !== undefined) {
        const { Resource, ...rest } = statement;
        const shape = canonical(rest);
        const existing = byShape.get(shape);
        if (existing) {
          const resources = asList(existing.Resource!);
          for (const r of asList(Resource)) if (!resources.includes(r)) resources.push(r);
          existing.Resource = resources.length === 1 ? resources[0] : resources;
          continue;
        }
        const copy = { ...statement, Resource: Array.isArray(Resource) ? [...Resource] : Resource };
        byShape.set(shape, copy);
        merged.push(copy);
      } else {
        merged.push({ ...statement });
      }
    }
  }
  const used = new Set<string>();
  const original = new Set(merged.map((s) => s.Sid));
  for (const statement of merged) {
    if (!statement.Sid) continue;
    if (used.has(statement.Sid)) {
      let n = 2;
      while (used.has(`${statement.Sid}${n}`) || original.has(`${statement.Sid}${n}`)) n++;
      statement.Sid = `${statement.Sid}${n}`;
    }
    used.add(statement.Sid);
  }
  const first = documents[0];
  return { Version: first?.Version ?? '2012-10-17', ...(first?.Id !== undefined ? { Id: first.Id } : {}), Statement: merged };
}

/**
 * Adds statements to a document. A Sid that is already used is an error rather than renamed:
 * the user wrote both, and silently changing one would hide the clash.
 */
export function appendStatements(doc: PolicyDocument, statements: readonly Statement[], source: string): PolicyDocument {
  const sids = new Set(doc.Statement.map((s) => s.Sid).filter(Boolean));
  const added: Statement[] = [];
  for (const s of statements) {
    if (doc.Statement.concat(added).some((e) => canonical(e) === canonical(s))) continue;
    if (s.Sid) {
      if (sids.has(s.Sid))
        throw new UsageError(`${source}: Sid "${s.Sid}" is already used in the policy: give the statement another Sid, or none`);
      sids.add(s.Sid);
    }
    added.push(s);
  }
  return { ...doc, Statement: [...doc.Statement, ...added] };
}

/** The document as AWS should receive it: no whitespace outside strings. */
export function minifyPolicy(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/**
 * The size AWS checks against its limits: characters, not counting whitespace. Whitespace inside
 * strings is counted, which can only over-estimate, never let a too-large document through.
 */
export function policySize(doc: PolicyDocument): number {
  return [...minifyPolicy(doc)].length;
}

/** Where a document is going, and the size limit AWS applies there (characters without whitespace). */
export const POLICY_SIZE_LIMITS = {
  /** All inline policies of one IAM user together. */
  'user-inline': 2048,
  /** The policy passed to AssumeRole / GetFederationToken (also limited after packing). */
  session: 2048,
  /** A customer managed policy. */
  managed: 6144,
  /** An S3 bucket policy (20 KB). */
  bucket: 20480,
} as const;

export type PolicyTarget = keyof typeof POLICY_SIZE_LIMITS;

const TARGET_NAMES: Record<PolicyTarget, string> = {
  'user-inline': "a user's inline policies",
  session: 'a session policy',
  managed: 'a managed policy',
  bucket: 'a bucket policy',
};

const TARGET_ADVICE: Record<PolicyTarget, string> = {
  'user-inline': 'share fewer buckets per user, use a managed policy (6,144 characters), or shorten the statements',
  session: 'share fewer buckets per set of credentials, or shorten the statements',
  managed: 'share fewer buckets per user, or shorten the statements',
  bucket: 'shorten or remove statements',
};

const n = (x: number) => x.toLocaleString('en-US');

/** Throws a UsageError when `doc` is over the limit of `target`; returns the size otherwise. */
export function checkPolicySize(doc: PolicyDocument, target: PolicyTarget): number {
  const size = policySize(doc);
  const limit = POLICY_SIZE_LIMITS[target];
  if (size > limit) {
    throw new UsageError(
      `the policy is ${n(size)} characters (not counting whitespace), over the ${n(limit)}-character limit of ${TARGET_NAMES[target]}: ${TARGET_ADVICE[target]}`,
    );
  }
  return size;
}
