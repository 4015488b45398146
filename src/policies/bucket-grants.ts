/**
 * Cross-account grants in a bucket policy: the statements that let another AWS account (or one
 * of its users or roles) use a bucket, and merging them into, or taking them out of, a bucket
 * policy that may hold anything else. Pure: no AWS, no printing.
 *
 * The statements are the user-policy templates in policies/ (the same actions, the same prefix
 * rules) with a Principal added, so an account grant can never drift from a user grant.
 *
 * Every statement s3-share adds has a Sid that says whose it is, and nothing else in the policy
 * is touched, because PutBucketPolicy replaces the whole document:
 *
 *   S3Share <Mode> <account> [u<8 hex>] [p<8 hex>] <template Sid>
 *   S3ShareRead111122223333ReadObjects
 *   S3ShareReadWrite111122223333u1a2b3c4dp9f8e7d6cListPrefix
 *
 * Mode is Read, Write or ReadWrite; `u` + 8 hex digits of SHA-256 of the principal ARN appears
 * when the principal is a user or role rather than the account root; `p` + 8 hex digits of
 * SHA-256 of the prefix appears when the grant has one. Sids in bucket policies may contain more
 * than letters and digits, but IAM's stricter rule is kept so a statement can be copied anywhere.
 * A grant is identified by (principal, prefix): granting again with another mode replaces it.
 */
import { createHash } from 'node:crypto';
import { OperationError, UsageError } from '../errors';
import { POLICY_SIZE_LIMITS, type PolicyDocument, type Statement } from './documents';
import { parseJsonText } from './json-text';
import { fillPlaceholders } from './placeholders';
import { policyTextSize, readArrayElements, readObjectMembers, writeArray, writeObject, type RawMember } from './policy-text';
import { BUILT_IN_TEMPLATES, type AccessMode } from './templates';

export const SID_PREFIX = 'S3Share';

const MODE_WORDS: Record<AccessMode, string> = { 'read-only': 'Read', 'write-only': 'Write', 'read-write': 'ReadWrite' };

/** Matches every Sid s3-share writes into a bucket policy; groups: mode word, account, principal tag, prefix tag, part. */
const SID_PATTERN = /^S3Share(ReadWrite|Read|Write)(\d{12})(u[0-9a-f]{8})?(p[0-9a-f]{8})?([A-Z][A-Za-z0-9]*)$/;

/** The Sid part of the statement that enforces bucket-owner-full-control (see ownershipDeny). */
export const OWNER_ACL_PART = 'RequireBucketOwnerFullControl';

export interface AccountPrincipal {
  /** The 12-digit account. */
  account: string;
  /** What goes into Principal.AWS: arn:aws:iam::ACCOUNT:root, or the user or role ARN given. */
  arn: string;
  /** True for the account root (a bare account ID or an ARN ending in :root). */
  isRoot: boolean;
}

const ACCOUNT_ID = /^\d{12}$/;
const PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(root|(?:user|role)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128})$/;

/** Parses --account: a 12-digit account ID, or an account root, user or role ARN. UsageError otherwise. */
export function parseAccountPrincipal(value: string): AccountPrincipal {
  const v = value.trim();
  if (ACCOUNT_ID.test(v)) return { account: v, arn: `arn:aws:iam::${v}:root`, isRoot: true };
  const m = PRINCIPAL_ARN.exec(v);
  if (m) {
    return { account: m[2]!, arn: m[3] === 'root' ? `arn:${m[1]}:iam::${m[2]}:root` : v, isRoot: m[3] === 'root' };
  }
  if (/^\d+$/.test(v)) {
    throw new UsageError(`--account ${value} has ${v.length} digits: an AWS account ID has exactly 12 (keep leading zeros)`);
  }
  if (/^arn:/.test(v)) {
    throw new UsageError(
      `--account ${value} is not an IAM principal ARN: give arn:aws:iam::123456789012:root, arn:aws:iam::123456789012:user/NAME or arn:aws:iam::123456789012:role/NAME`,
    );
  }
  throw new UsageError(
    `--account ${value} is neither a 12-digit account ID nor an IAM user or role ARN: give e.g. 111122223333 or arn:aws:iam::111122223333:role/NAME`,
  );
}

const shortHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);

/** The Sid prefix of one grant (everything but the part), e.g. S3ShareRead111122223333p1a2b3c4d. */
export function grantSidStem(mode: AccessMode, principal: AccountPrincipal, prefix: string | undefined): string {
  return `${SID_PREFIX}${MODE_WORDS[mode]}${principal.account}${principal.isRoot ? '' : `u${shortHash(principal.arn)}`}${prefix === undefined ? '' : `p${shortHash(prefix)}`}`;
}

export interface SidParts {
  mode: AccessMode;
  account: string;
  principalTag?: string;
  prefixTag?: string;
  part: string;
}

/** Reads an s3-share Sid back; undefined for any other Sid. */
export function parseGrantSid(sid: unknown): SidParts | undefined {
  if (typeof sid !== 'string') return undefined;
  const m = SID_PATTERN.exec(sid);
  if (!m) return undefined;
  const mode = Object.entries(MODE_WORDS).find(([, w]) => w === m[1])![0] as AccessMode;
  return { mode, account: m[2]!, principalTag: m[3], prefixTag: m[4], part: m[5]! };
}

export interface GrantSpec {
  bucket: string;
  principal: AccountPrincipal;
  mode: AccessMode;
  /** A normalized folder ending in '/', or undefined for the whole bucket. */
  prefix?: string;
  /**
   * Uploads must carry the bucket-owner-full-control ACL: set for write grants on a bucket whose
   * Object Ownership is not BucketOwnerEnforced, where the uploader would otherwise own the object.
   */
  requireBucketOwnerFullControl?: boolean;
}

/**
 * The statements of one grant: the user-policy template for the mode and prefix, filled for the
 * bucket, each with the Principal and an s3-share Sid, plus the ownership Deny when asked for.
 */
export function grantStatements(spec: GrantSpec): Statement[] {
  const template = BUILT_IN_TEMPLATES[spec.mode][spec.prefix === undefined ? 'bucket' : 'prefix'] as PolicyDocument;
  const filled = fillPlaceholders(template, { bucket: spec.bucket, prefix: spec.prefix });
  const stem = grantSidStem(spec.mode, spec.principal, spec.prefix);
  const Principal = { AWS: spec.principal.arn };
  const statements: Statement[] = filled.Statement.map(({ Sid, Effect, Action, Resource, Condition }) => ({
    Sid: `${stem}${Sid}`,
    Effect,
    Principal,
    Action,
    Resource,
    ...(Condition !== undefined ? { Condition } : {}),
  }));
  if (spec.requireBucketOwnerFullControl && spec.mode !== 'read-only') {
    statements.push({
      Sid: `${stem}${OWNER_ACL_PART}`,
      Effect: 'Deny',
      Principal,
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${spec.bucket}/${spec.prefix ?? ''}*`,
      // StringNotEquals is true when the header is absent, so an upload without the ACL is refused too.
      Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    });
  }
  return statements;
}

/** Does this s3-share Sid belong to the grant of `principal` (any mode) on `prefix`? */
function sameGrant(parts: SidParts, principal: AccountPrincipal, prefix: string | undefined): boolean {
  return (
    parts.account === principal.account &&
    parts.principalTag === (principal.isRoot ? undefined : `u${shortHash(principal.arn)}`) &&
    parts.prefixTag === (prefix === undefined ? undefined : `p${shortHash(prefix)}`)
  );
}

export interface RevokeSelector {
  /** Every s3-share statement of this account; narrowed by principalArn and prefix when given. */
  account: string;
  /** Only the grant to this principal (a user, role or the root ARN). */
  principal?: AccountPrincipal;
  /** Only grants on this folder (normalized); undefined means every prefix and the whole bucket. */
  prefix?: string;
}

function selected(parts: SidParts, sel: RevokeSelector): boolean {
  if (parts.account !== sel.account) return false;
  if (sel.principal && parts.principalTag !== (sel.principal.isRoot ? undefined : `u${shortHash(sel.principal.arn)}`)) return false;
  if (sel.prefix !== undefined && parts.prefixTag !== `p${shortHash(sel.prefix)}`) return false;
  return true;
}

/**
 * A bucket policy as read from S3, kept both parsed (to recognise s3-share's statements) and as
 * text: the statements s3-share does not own, and every other top-level member, are written back
 * from the text they were read as, so big numbers, decimals, escapes and key order survive.
 */
export interface ExistingPolicy {
  /** The document's own top-level members in their order (Version, Id, anything else S3 stored). */
  document: Record<string, unknown>;
  statements: unknown[];
  /** The document's top-level members exactly as written. */
  members: RawMember[];
  /** Each statement exactly as written, in the order of `statements`. */
  statementTexts: string[];
}

/**
 * Parses a stored bucket policy. Anything that cannot be merged safely (not JSON, not an object
 * with a Statement) is an OperationError: never overwrite what cannot be read.
 */
export function parseBucketPolicy(text: string, bucket: string): ExistingPolicy {
  const source = `the bucket policy of ${bucket}`;
  const refuse = (why: string) =>
    new OperationError(
      `${source} ${why}: s3-share will not overwrite a policy it cannot read; fix it with 's3-share get-bucket-policy ${bucket}' and aws s3api put-bucket-policy`,
    );
  let value: unknown;
  try {
    value = parseJsonText(text, source);
  } catch (err) {
    const detail = (err as Error).message.replace(`${source} `, '').replace(/: fix the JSON.*$/, '');
    throw refuse(detail);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refuse('is not a JSON object');
  const doc = value as Record<string, unknown>;
  const st = doc.Statement;
  const statements = Array.isArray(st) ? st : typeof st === 'object' && st !== null ? [st] : undefined;
  if (!statements) throw refuse('has no Statement list');
  if (statements.some((s) => typeof s !== 'object' || s === null || Array.isArray(s)))
    throw refuse('has a statement that is not a JSON object');
  const members = readObjectMembers(text)!;
  const statementMembers = members.filter((m) => m.name === 'Statement');
  // JSON.parse keeps the last of duplicate names; which one S3 or IAM would honour is not certain.
  if (statementMembers.length > 1) throw refuse('has more than one Statement member');
  const statementText = statementMembers[0]!.valueText;
  const statementTexts = readArrayElements(statementText) ?? [statementText];
  return { document: doc, statements, members, statementTexts };
}

export interface PolicyChange {
  /** The new document, or null when no statement is left (delete the bucket policy). */
  policy: PolicyDocument | null;
  /**
   * The text to store, or null with `policy`: the statements and members s3-share does not edit
   * exactly as they were read, s3-share's own statements minified.
   */
  text: string | null;
  added: string[];
  replaced: string[];
  removed: string[];
  /** Statements not s3-share's (for this grant), carried over unchanged. */
  kept: number;
  /** False when the document would be exactly what is stored: write nothing. */
  changed: boolean;
}

const json = (v: unknown) => JSON.stringify(v);

function assemble(existing: ExistingPolicy | null, statements: unknown[]): PolicyDocument | null {
  if (statements.length === 0) return null;
  if (!existing) return { Version: '2012-10-17', Statement: statements as Statement[] };
  // Keep Version, Id and their order; only Statement changes.
  return { ...existing.document, Statement: statements } as unknown as PolicyDocument;
}

/** The text of each statement: as read for the ones carried over, minified for new ones. */
function textsOf(existing: ExistingPolicy | null, statements: unknown[]): string[] {
  const read = new Map<unknown, string>((existing?.statements ?? []).map((s, i) => [s, existing!.statementTexts[i]!]));
  return statements.map((s) => read.get(s) ?? JSON.stringify(s));
}

function assembleText(existing: ExistingPolicy | null, statements: unknown[]): string | null {
  if (statements.length === 0) return null;
  const Statement = writeArray(textsOf(existing, statements));
  if (!existing)
    return writeObject([
      { nameText: '"Version"', valueText: '"2012-10-17"' },
      { nameText: '"Statement"', valueText: Statement },
    ]);
  return writeObject(existing.members.map((m) => (m.name === 'Statement' ? { nameText: m.nameText, valueText: Statement } : m)));
}

/**
 * Throws a UsageError when policy text is over the bucket-policy limit, counted on the text that
 * will be stored; returns the size otherwise.
 */
export function checkBucketPolicyTextSize(text: string): number {
  const size = policyTextSize(text);
  const limit = POLICY_SIZE_LIMITS.bucket;
  const n = (x: number) => x.toLocaleString('en-US');
  if (size > limit) {
    throw new UsageError(
      `the policy is ${n(size)} characters (not counting whitespace), over the ${n(limit)}-character limit of a bucket policy: shorten or remove statements`,
    );
  }
  return size;
}

/**
 * Merges a grant into the stored policy (null: there is none). The grant's earlier statements
 * (same principal and prefix, any mode) are replaced in place, at the position of the first one;
 * a new grant goes at the end. Every other statement is kept as it was.
 */
export function mergeGrant(existing: ExistingPolicy | null, spec: GrantSpec): PolicyChange {
  return mergeStatements(existing, grantStatements(spec), (s) => {
    const parts = parseGrantSid((s as { Sid?: unknown }).Sid);
    return !!parts && sameGrant(parts, spec.principal, spec.prefix);
  });
}

/**
 * Merges `fresh` statements (each with a Sid) into the stored policy: the stored statements that
 * `mine` recognises as the earlier version of them are replaced in place, at the position of the
 * first one; when there are none, the fresh ones go at the end. Every other statement is kept
 * exactly as it was read. grant-account and set-bucket-policy --allow-all-get both merge this way.
 */
export function mergeStatements(existing: ExistingPolicy | null, fresh: Statement[], mine: (s: unknown) => boolean): PolicyChange {
  const old = existing?.statements ?? [];
  const previous = old.filter(mine);
  const firstAt = old.findIndex(mine);
  const others = old.filter((s) => !mine(s));
  const insertAt = firstAt === -1 ? others.length : old.slice(0, firstAt).filter((s) => !mine(s)).length;
  const statements = [...others.slice(0, insertAt), ...fresh, ...others.slice(insertAt)];
  const oldBySid = new Map(previous.map((s) => [(s as { Sid: string }).Sid, s]));
  const freshSids = new Set(fresh.map((s) => s.Sid!));
  const added = fresh.filter((s) => !oldBySid.has(s.Sid!)).map((s) => s.Sid!);
  const replaced = fresh.filter((s) => oldBySid.has(s.Sid!) && json(oldBySid.get(s.Sid!)) !== json(s)).map((s) => s.Sid!);
  const removed = [...oldBySid.keys()].filter((sid) => !freshSids.has(sid));
  const policy = assemble(existing, statements);
  const changed = !existing || json(policy) !== json({ ...existing.document, Statement: old });
  return { policy, text: assembleText(existing, statements), added, replaced, removed, kept: others.length, changed };
}

/** Takes the selected s3-share statements out of the stored policy; policy null when nothing is left. */
export function revokeGrants(existing: ExistingPolicy, sel: RevokeSelector): PolicyChange {
  const hit = (s: unknown) => {
    const parts = parseGrantSid((s as { Sid?: unknown }).Sid);
    return !!parts && selected(parts, sel);
  };
  const removed = existing.statements.filter(hit).map((s) => (s as { Sid: string }).Sid);
  const rest = existing.statements.filter((s) => !hit(s));
  return {
    policy: assemble(existing, rest),
    text: assembleText(existing, rest),
    added: [],
    replaced: [],
    removed,
    kept: rest.length,
    changed: removed.length > 0,
  };
}
