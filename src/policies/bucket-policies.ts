/**
 * Whole bucket policies, for set-bucket-policy and debug-bucket: the allow-all-get statement
 * s3-credentials writes, a policy given by the user (checked before any AWS call), the
 * statement-by-statement difference between two policies, and which statements make a bucket
 * readable by anyone. Pure: no AWS, no printing.
 */
import { UsageError } from '../errors';
import type { ExistingPolicy, PolicyChange } from './bucket-grants';
import { statementLabel, validatePolicyShape, type PolicyDocument, type Statement } from './documents';
import { parseJsonText } from './json-text';
import { formatJsonText, readArrayElements, readObjectMembers } from './policy-text';
import { asList } from './statements';

/** s3-credentials' Sid, so a bucket given --allow-all-get by either tool holds the same statement. */
export const ALLOW_ALL_GET_SID = 'AllowAllGetObject';

/** The statement of s3-credentials' `set-bucket-policy --allow-all-get`, field for field. */
export function allowAllGetStatement(bucket: string): Statement {
  return { Sid: ALLOW_ALL_GET_SID, Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] };
}

/** A policy the user gave: checked, parsed, and kept as text so it is stored exactly as written. */
export interface GivenPolicy {
  document: PolicyDocument;
  /** The statements as parsed (Statement always a list). */
  statements: unknown[];
  /** Each statement exactly as written. */
  statementTexts: string[];
  /** The whole document, minified without changing any token. */
  text: string;
}

/** Glob match with `*` and `?`, as IAM matches resource ARNs. */
function globMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

/**
 * Parses and checks a policy from --policy-file: valid JSON, the shape of a bucket policy (a
 * Principal in every statement, unique Sids), and only resources of this bucket, which S3 would
 * otherwise refuse as "Policy has invalid resource". Every problem is a UsageError naming `source`.
 */
export function parseGivenBucketPolicy(text: string, source: string, bucket: string): GivenPolicy {
  const value = parseJsonText(text, source);
  const document = validatePolicyShape(value, 'resource', source);
  document.Statement.forEach((s, i) => {
    for (const resource of [...asList(s.Resource), ...asList(s.NotResource)] as string[]) {
      const m = /^arn:[^:]*:s3:::([^/]*)/.exec(resource);
      if (resource !== '*' && !(m && globMatch(m[1]!, bucket))) {
        throw new UsageError(
          `${source} ${statementLabel(s, i)} has Resource ${resource}, which is not in bucket ${bucket}: a bucket policy may only name arn:aws:s3:::${bucket} and arn:aws:s3:::${bucket}/...`,
        );
      }
    }
  });
  const clean = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const statementText = readObjectMembers(clean)!.find((m) => m.name === 'Statement')!.valueText;
  return {
    document,
    statements: Array.isArray((value as { Statement: unknown }).Statement)
      ? ((value as { Statement: unknown[] }).Statement as unknown[])
      : [(value as { Statement: unknown }).Statement],
    statementTexts: readArrayElements(statementText) ?? [statementText],
    text: formatJsonText(clean, true),
  };
}

/** One line of a statement diff. */
export interface StatementDiffEntry {
  change: 'add' | 'remove' | 'replace' | 'keep';
  /** "statement 2 (Sid ReadObjects)", numbered in the policy it comes from (the new one, when in both). */
  label: string;
  /** The Sid, or the label when the statement has none: what result lists name it by. */
  name: string;
  /** The statement before and after, on one line as written. */
  before?: string;
  after?: string;
}

interface Side {
  statements: unknown[];
  texts: string[];
}

const sidOf = (s: unknown): string | undefined => {
  const sid = (s as { Sid?: unknown }).Sid;
  return typeof sid === 'string' && sid !== '' ? sid : undefined;
};

/**
 * The difference between two lists of statements, statement by statement: statements with a Sid
 * are matched by Sid (same Sid, other content: replaced), statements without one by their content
 * (so a Sid-less statement is either kept or removed and another added). In the new policy's
 * order, then what is removed in the old one's.
 */
export function diffStatements(before: Side, after: Side): StatementDiffEntry[] {
  const key = (s: unknown) => sidOf(s) ?? `content:${JSON.stringify(s)}`;
  const oldByKey = new Map<string, number>();
  before.statements.forEach((s, i) => oldByKey.set(key(s), i));
  const matched = new Set<number>();
  const line = (text: string) => formatJsonText(text, true);
  const entries: StatementDiffEntry[] = after.statements.map((s, i) => {
    const label = statementLabel(s, i);
    const name = sidOf(s) ?? `statement ${i + 1}`;
    const j = oldByKey.get(key(s));
    if (j === undefined || matched.has(j)) return { change: 'add', label, name, after: line(after.texts[i]!) };
    matched.add(j);
    if (JSON.stringify(before.statements[j]) === JSON.stringify(s)) return { change: 'keep', label, name };
    return { change: 'replace', label, name, before: line(before.texts[j]!), after: line(after.texts[i]!) };
  });
  before.statements.forEach((s, j) => {
    if (matched.has(j)) return;
    entries.push({ change: 'remove', label: statementLabel(s, j), name: sidOf(s) ?? `statement ${j + 1}`, before: line(before.texts[j]!) });
  });
  return entries;
}

/** The diff as lines for stderr: `- ` for what goes, `+ ` for what comes, `= ` for what stays. */
export function diffLines(entries: readonly StatementDiffEntry[]): string[] {
  return entries.flatMap((e) => {
    switch (e.change) {
      case 'add':
        return [`+ ${e.label}: ${e.after}`];
      case 'remove':
        return [`- ${e.label}: ${e.before}`];
      case 'replace':
        return [`- ${e.label}: ${e.before}`, `+ ${e.label}: ${e.after}`];
      case 'keep':
        return [`= ${e.label}: unchanged`];
    }
  });
}

/** Replacing the stored policy (null: none) with a given one, as a PolicyChange with its diff. */
export function replacePolicy(existing: ExistingPolicy | null, next: GivenPolicy): PolicyChange & { diff: StatementDiffEntry[] } {
  const diff = diffStatements(
    { statements: existing?.statements ?? [], texts: existing?.statementTexts ?? [] },
    { statements: next.statements, texts: next.statementTexts },
  );
  const names = (change: StatementDiffEntry['change']) => diff.filter((e) => e.change === change).map((e) => e.name);
  const unchangedDocument = existing !== null && JSON.stringify(existing.document) === JSON.stringify(JSON.parse(next.text) as unknown);
  return {
    policy: next.document,
    text: next.text,
    added: names('add'),
    replaced: names('replace'),
    removed: names('remove'),
    kept: names('keep').length,
    changed: !unchangedDocument,
    diff,
  };
}

// Condition keys that pin a statement to known callers: with a fixed (wildcard-free) value, AWS
// does not count the statement as public ("The meaning of public" in the S3 user guide).
const PINNING_KEYS = new Set(
  [
    'aws:SourceIp',
    'aws:SourceArn',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOwner',
    'aws:SourceAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:userid',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
  ].map((k) => k.toLowerCase()),
);

const ANYONE = (principal: unknown): boolean =>
  principal === '*' ||
  (typeof principal === 'object' && principal !== null && asList((principal as { AWS?: unknown }).AWS).some((p) => p === '*'));

function pinned(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  return Object.entries(condition as Record<string, unknown>).some(([operator, block]) => {
    if (/IfExists$/.test(operator) || /^Not|NotEquals|NotLike|NotIpAddress/.test(operator)) return false;
    return Object.entries((block ?? {}) as Record<string, unknown>).some(
      ([k, v]) => PINNING_KEYS.has(k.toLowerCase()) && asList(v).every((x) => typeof x === 'string' && !/[*?]/.test(x)),
    );
  });
}

/** An Allow statement that applies to anyone (Principal "*", or NotPrincipal) and no condition pins down. */
export function isPublicStatement(s: unknown): boolean {
  const st = s as { Effect?: unknown; Principal?: unknown; NotPrincipal?: unknown; Condition?: unknown };
  if (st.Effect !== 'Allow') return false;
  if (!(ANYONE(st.Principal) || st.NotPrincipal !== undefined)) return false;
  return !pinned(st.Condition);
}

function coversGetObject(s: { Action?: unknown; NotAction?: unknown }): boolean {
  const hit = (list: unknown[]) => list.some((a) => typeof a === 'string' && globMatch(a.toLowerCase(), 's3:getobject'));
  return s.NotAction !== undefined ? !hit(asList(s.NotAction)) : hit(asList(s.Action));
}

/** Whether a resource pattern reaches some object of the bucket. */
function coversObjects(s: { Resource?: unknown; NotResource?: unknown }, bucket: string): boolean {
  if (s.NotResource !== undefined) return true;
  return asList(s.Resource).some((r) => {
    if (typeof r !== 'string') return false;
    if (r === '*') return true;
    const star = r.search(/[*?]/);
    const fixed = star === -1 ? r : r.slice(0, star);
    const objects = `arn:aws:s3:::${bucket}/`;
    return star === -1 ? r.startsWith(objects) && r.length > objects.length : fixed.startsWith(objects) || objects.startsWith(fixed);
  });
}

/** The statements that let anyone on the internet download objects of the bucket (labels for messages). */
export function publicReadStatements(statements: readonly unknown[], bucket: string): string[] {
  return statements
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => isPublicStatement(s) && coversGetObject(s as object) && coversObjects(s as object, bucket))
    .map(({ s, i }) => sidOf(s) ?? `statement ${i + 1}`);
}
