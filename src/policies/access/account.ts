/**
 * An account as `access` sees it: the snapshot of its principals, groups, managed policies and
 * buckets (what GetAccountAuthorizationDetails, ListBuckets and GetBucketPolicy return, decoded),
 * and the evaluator's PolicySet for one principal and bucket. Pure: the services fill it in, a
 * file can hold it (--snapshot), and everything after reading it works offline.
 */
import { isS3ShareManagedPolicy, madeByS3Share, ROLE_OWNER_TAG } from '../ownership';
import type { LabelledPolicy, PolicySet } from './evaluate';

export const SNAPSHOT_FORMAT = 's3-share-access-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface NamedDocument {
  name: string;
  document: unknown;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface SnapshotPrincipal {
  kind: 'user' | 'role';
  name: string;
  arn: string;
  tags: Tag[];
  inline: NamedDocument[];
  /** ARNs of the attached managed policies. */
  managed: string[];
  /** Group names (users only). */
  groups: string[];
  /** ARN of the permissions boundary's managed policy. */
  boundary?: string;
  /** A role's trust policy: who may assume it. */
  trust?: unknown;
}

export interface SnapshotGroup {
  name: string;
  inline: NamedDocument[];
  managed: string[];
}

export interface SnapshotManagedPolicy {
  arn: string;
  name: string;
  /** The default version's document. */
  document: unknown;
}

export interface SnapshotBucket {
  name: string;
  /** The bucket policy; null when the bucket has none. */
  policy: unknown;
  /** Why the policy could not be read (then `policy` is null and means nothing). */
  error?: string;
}

/** What one run reads; no secrets (no keys, no passwords), only names, tags and policy documents. */
export interface AccountSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  takenAt: string;
  partition: string;
  account: string;
  principals: SnapshotPrincipal[];
  groups: SnapshotGroup[];
  policies: SnapshotManagedPolicy[];
  buckets: SnapshotBucket[];
  /** What could not be read account-wide (a bucket's unreadable policy is on the bucket). */
  incomplete: string[];
}

/** Fast lookups over a snapshot, built once per run. */
export interface AccountIndex {
  snapshot: AccountSnapshot;
  policies: ReadonlyMap<string, SnapshotManagedPolicy>;
  groups: ReadonlyMap<string, SnapshotGroup>;
  buckets: ReadonlyMap<string, SnapshotBucket>;
}

export function indexAccount(snapshot: AccountSnapshot): AccountIndex {
  return {
    snapshot,
    policies: new Map(snapshot.policies.map((p) => [p.arn, p])),
    groups: new Map(snapshot.groups.map((g) => [g.name, g])),
    buckets: new Map(snapshot.buckets.map((b) => [b.name, b])),
  };
}

const policyName = (arn: string) => arn.split('/').pop() ?? arn;

/** What the answers for this principal cannot see (a managed policy or group not in the snapshot). */
export function missingParts(index: AccountIndex, p: SnapshotPrincipal): string[] {
  const missing: string[] = [];
  const managedArns = [...p.managed, ...p.groups.flatMap((g) => index.groups.get(g)?.managed ?? [])];
  if (p.boundary) managedArns.push(p.boundary);
  for (const arn of managedArns) if (!index.policies.has(arn)) missing.push(`managed policy ${arn} unreadable`);
  for (const g of p.groups) if (!index.groups.has(g)) missing.push(`group ${g} unreadable`);
  return [...new Set(missing)];
}

function managedPolicies(index: AccountIndex, arns: readonly string[], owner: string): LabelledPolicy[] {
  return arns.flatMap((arn) => {
    const policy = index.policies.get(arn);
    return policy ? [{ label: `${owner} managed ${policy.name}`, document: policy.document }] : [];
  });
}

/** The bucket policy as the evaluator takes it; undefined when there is none (or it is unreadable). */
export function bucketPolicyOf(bucket: SnapshotBucket | undefined): LabelledPolicy | undefined {
  return bucket && bucket.policy !== null && bucket.policy !== undefined
    ? { label: `bucket ${bucket.name} policy`, document: bucket.policy }
    : undefined;
}

/** Everything AWS consults for this principal's requests to the bucket. */
export function policySetFor(index: AccountIndex, p: SnapshotPrincipal, bucket?: SnapshotBucket): PolicySet {
  const owner = `${p.kind} ${p.name}`;
  const boundary = p.boundary ? index.policies.get(p.boundary) : undefined;
  return {
    inline: p.inline.map((d) => ({ label: `${owner} inline ${d.name}`, document: d.document })),
    managed: managedPolicies(index, p.managed, owner),
    groups: p.groups.map((name) => {
      const g = index.groups.get(name);
      return {
        name,
        inline: (g?.inline ?? []).map((d) => ({ label: `group ${name} inline ${d.name}`, document: d.document })),
        managed: managedPolicies(index, g?.managed ?? [], `group ${name}`),
      };
    }),
    ...(p.boundary
      ? {
          // A boundary that cannot be read still exists: an empty one allows nothing, which would look
          // safer than it is, so it is left out (the answer is marked incomplete instead).
          boundary: boundary ? { label: `${owner} boundary ${policyName(p.boundary)}`, document: boundary.document } : undefined,
        }
      : {}),
    bucketPolicy: bucketPolicyOf(bucket),
  };
}

/** The policies s3-share wrote for this principal: its s3-share.* inline policies and its /s3-share/ managed ones. */
export function grantSetFor(index: AccountIndex, p: SnapshotPrincipal): PolicySet {
  const owner = `${p.kind} ${p.name}`;
  const full = policySetFor(index, p);
  return {
    inline: p.inline
      .filter((d) => d.name.startsWith('s3-share'))
      .map((d) => ({ label: `${owner} inline ${d.name}`, document: d.document })),
    managed: managedPolicies(index, p.managed.filter(isS3ShareManagedPolicy), owner),
    ...(full.boundary ? { boundary: full.boundary } : {}),
  };
}

/**
 * Made by s3-share: its made-by tag, or (releases before the tags) the role owner tag or an inline
 * policy named s3-share.*, which only s3-share writes.
 */
export function isS3SharePrincipal(p: SnapshotPrincipal): boolean {
  return madeByS3Share(p.tags) || p.tags.some((t) => t.Key === ROLE_OWNER_TAG) || p.inline.some((d) => d.name.startsWith('s3-share.'));
}

/** The ARN a request from this principal carries: a user's own, or a session of the role. */
export function requestArn(snapshot: AccountSnapshot, p: SnapshotPrincipal): { principal: string; roleArn?: string } {
  if (p.kind === 'user') return { principal: p.arn };
  return { principal: `arn:${snapshot.partition}:sts::${snapshot.account}:assumed-role/${p.name}/s3-share-access`, roleArn: p.arn };
}
