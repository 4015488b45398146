/**
 * The answers of `access`: who can reach a bucket (or a prefix of it), what a user or role can
 * reach, and the --check findings, from one snapshot. Records in the shape the list emitters print.
 */
import { OperationError } from '../../errors';
import { indexAccount, isS3SharePrincipal, type AccountSnapshot } from '../../policies/access/account';
import { findPrincipal, findProblems, whatCanReach, whoCanReach, type AccessRow, type Finding } from '../../policies/access/who';

export type AccessQuery =
  | { kind: 'bucket'; bucket: string; prefix: string; check: boolean }
  | { kind: 'principal'; principal: 'user' | 'role'; name: string; check: boolean }
  | { kind: 'account'; check: true };

export const ACCESS_COLUMNS = [
  'Bucket',
  'Prefix',
  'Principal',
  'Type',
  'List',
  'Read',
  'Write',
  'Delete',
  'Policy',
  'DecidedBy',
  'Conditions',
  'MadeByS3Share',
  'Incomplete',
  'Arn',
  'AssumableBy',
  'ViaRole',
] as const;

export const FINDING_COLUMNS = ['Finding', 'Bucket', 'Principal', 'Detail'] as const;

export type AccessRecord = Record<(typeof ACCESS_COLUMNS)[number], unknown>;
export type FindingRecord = Record<(typeof FINDING_COLUMNS)[number], string>;

export interface AccessAnswers {
  rows: AccessRecord[];
  findings: FindingRecord[];
}

const record = (r: AccessRow): AccessRecord => ({
  Bucket: r.bucket,
  Prefix: r.prefix,
  Principal: r.principal,
  Type: r.type,
  List: r.capabilities.list,
  Read: r.capabilities.read,
  Write: r.capabilities.write,
  Delete: r.capabilities.delete,
  Policy: r.capabilities.policy,
  DecidedBy: r.decidedBy,
  Conditions: r.conditions,
  MadeByS3Share: r.madeByS3Share,
  Incomplete: r.incomplete,
  Arn: r.arn ?? '',
  AssumableBy: r.assumableBy ?? [],
  ViaRole: r.viaRole ?? '',
});

const findingRecord = (f: Finding): FindingRecord => ({ Finding: f.kind, Bucket: f.bucket, Principal: f.principal, Detail: f.detail });

export function answerAccess(snapshot: AccountSnapshot, query: AccessQuery, now = new Date()): AccessAnswers {
  const index = indexAccount(snapshot);
  if (query.kind === 'bucket') {
    if (!index.buckets.has(query.bucket) && !snapshot.incomplete.length)
      throw new OperationError(`bucket ${query.bucket} is not in the account: check the name with 's3-share list-buckets'`, 'NoSuchBucket');
    return {
      rows: query.check ? [] : whoCanReach(index, query.bucket, query.prefix, now).map(record),
      findings: query.check ? findProblems(index, [query.bucket], now).map(findingRecord) : [],
    };
  }
  if (query.kind === 'account') {
    const s3Share = snapshot.principals.filter(isS3SharePrincipal);
    return { rows: [], findings: findProblems(index, [...index.buckets.keys()], now, s3Share).map(findingRecord) };
  }
  const principal = findPrincipal(index, query.principal, query.name);
  if (!principal) {
    const how = snapshot.incomplete.length ? ' (the snapshot is incomplete: see the warnings)' : '';
    throw new OperationError(
      `${query.principal} ${query.name} is not in the account${how}: check the name with 's3-share list-${query.principal}s'`,
      'NoSuchEntity',
    );
  }
  const rows = whatCanReach(index, principal, now);
  if (!query.check) return { rows: rows.map(record), findings: [] };
  const findings = findProblems(
    index,
    rows.map((r) => r.bucket),
    now,
    [principal],
  ).filter((f) => f.principal === principal.name || f.kind === 'incomplete');
  return { rows: [], findings: findings.map(findingRecord) };
}
