/**
 * One snapshot of an account per run: GetAccountAuthorizationDetails (users, roles, groups, managed
 * policies, paginated), ListBuckets and each bucket's policy. Saved to and loaded from a file for
 * --snapshot and --from-snapshot. What cannot be read (AccessDenied) is recorded in the snapshot's
 * `incomplete` list rather than treated as empty, so no answer looks safer than the account is.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import type { IAMClient, ManagedPolicyDetail, PolicyDetail, Tag as IamTag } from '@aws-sdk/client-iam';
import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { describeAwsError, errorCode } from '../../aws/errors';
import { OperationError, UsageError } from '../../errors';
import type { Reporter } from '../../output/reporter';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type AccountSnapshot,
  type NamedDocument,
  type SnapshotBucket,
  type SnapshotGroup,
  type SnapshotManagedPolicy,
  type SnapshotPrincipal,
  type Tag,
} from '../../policies/access/account';
import { decodePolicyDocument } from '../../policies/statements';
import { getBucketPolicyText } from '../buckets/policy';
import { createLimiter } from '../concurrency';
import { callerIdentity } from '../users/identity';
import { readManagedPolicy } from '../users/managed-policy';
import { authorizationDetailPages } from '../users/policies';

export interface SnapshotClients {
  iam: IAMClient;
  s3: S3Client;
  sts: STSClient;
}

export interface TakeSnapshotInput {
  /** Buckets to read even when ListBuckets does not show them (or may not be called). */
  buckets: string[];
  /** Policy reads in flight at most. */
  concurrency: number;
  now?: Date;
}

const inline = (list: PolicyDetail[] | undefined): NamedDocument[] =>
  (list ?? []).map((p) => ({ name: p.PolicyName ?? '', document: decodePolicyDocument(p.PolicyDocument) }));
const tags = (list: IamTag[] | undefined): Tag[] => (list ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
const arns = (list: { PolicyArn?: string }[] | undefined): string[] => (list ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : []));

function managedPolicy(p: ManagedPolicyDetail): SnapshotManagedPolicy | undefined {
  const version =
    p.PolicyVersionList?.find((v) => v.IsDefaultVersion) ?? p.PolicyVersionList?.find((v) => v.VersionId === p.DefaultVersionId);
  if (!p.Arn || !version) return undefined;
  return { arn: p.Arn, name: p.PolicyName ?? p.Arn, document: decodePolicyDocument(version.Document) };
}

export async function takeSnapshot(clients: SnapshotClients, input: TakeSnapshotInput, reporter: Reporter): Promise<AccountSnapshot> {
  const caller = await callerIdentity(clients.sts);
  const incomplete: string[] = [];
  const principals: SnapshotPrincipal[] = [];
  const groups: SnapshotGroup[] = [];
  const policies = new Map<string, SnapshotManagedPolicy>();

  reporter.info('reading users, roles, groups and policies (GetAccountAuthorizationDetails)');
  const pages = await authorizationDetailPages(clients.iam, ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']);
  if (!pages) incomplete.push('GetAccountAuthorizationDetails was refused (AccessDenied): no user, role or group of the account is shown');
  for await (const page of pages ?? []) {
    for (const u of page.UserDetailList ?? []) {
      principals.push({
        kind: 'user',
        name: u.UserName ?? '',
        arn: u.Arn ?? '',
        tags: tags(u.Tags),
        inline: inline(u.UserPolicyList),
        managed: arns(u.AttachedManagedPolicies),
        groups: u.GroupList ?? [],
        ...(u.PermissionsBoundary?.PermissionsBoundaryArn ? { boundary: u.PermissionsBoundary.PermissionsBoundaryArn } : {}),
      });
    }
    for (const r of page.RoleDetailList ?? []) {
      principals.push({
        kind: 'role',
        name: r.RoleName ?? '',
        arn: r.Arn ?? '',
        tags: tags(r.Tags),
        inline: inline(r.RolePolicyList),
        managed: arns(r.AttachedManagedPolicies),
        groups: [],
        ...(r.PermissionsBoundary?.PermissionsBoundaryArn ? { boundary: r.PermissionsBoundary.PermissionsBoundaryArn } : {}),
        trust: decodePolicyDocument(r.AssumeRolePolicyDocument),
      });
    }
    for (const g of page.GroupDetailList ?? []) {
      groups.push({ name: g.GroupName ?? '', inline: inline(g.GroupPolicyList), managed: arns(g.AttachedManagedPolicies) });
    }
    for (const p of page.Policies ?? []) {
      const policy = managedPolicy(p);
      if (policy) policies.set(policy.arn, policy);
    }
  }
  // An attached policy the listing left out (some services omit unattached or AWS-managed ones) is read on its own.
  const attached = new Set([
    ...principals.flatMap((p) => [...p.managed, ...(p.boundary ? [p.boundary] : [])]),
    ...groups.flatMap((g) => g.managed),
  ]);
  const limit = createLimiter(input.concurrency);
  await Promise.all(
    [...attached]
      .filter((arn) => !policies.has(arn))
      .map((arn) =>
        limit(async () => {
          try {
            const { document } = await readManagedPolicy(clients.iam, arn);
            policies.set(arn, { arn, name: arn.split('/').pop() ?? arn, document });
          } catch (err) {
            incomplete.push(`managed policy ${arn} could not be read (${errorCode(err) || describeAwsError(err)})`);
          }
        }),
      ),
  );

  reporter.info('reading buckets and their policies');
  const names = new Set<string>();
  try {
    const out = await clients.s3.send(new ListBucketsCommand({}));
    for (const b of out.Buckets ?? []) if (b.Name) names.add(b.Name);
  } catch (err) {
    if (errorCode(err) !== 'AccessDenied') throw err;
    incomplete.push('ListBuckets was refused (AccessDenied): only the named buckets are shown');
  }
  for (const b of input.buckets) names.add(b);
  const buckets = await Promise.all(
    [...names].sort().map((name) =>
      limit(async (): Promise<SnapshotBucket> => {
        try {
          const text = await getBucketPolicyText(clients.s3, name);
          return { name, policy: text === null ? null : decodePolicyDocument(text) };
        } catch (err) {
          if (err instanceof OperationError && input.buckets.includes(name)) throw err;
          const code = errorCode(err) || (err instanceof OperationError ? 'NoSuchBucket' : describeAwsError(err));
          return { name, policy: null, error: code };
        }
      }),
    ),
  );
  for (const note of incomplete) reporter.warn(`incomplete: ${note}`);
  // A bucket's own failure stays on the bucket: it makes that bucket's answers incomplete, not the others'.
  for (const b of buckets) if (b.error) reporter.warn(`incomplete: the policy of bucket ${b.name} could not be read (${b.error})`);

  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    takenAt: (input.now ?? new Date()).toISOString(),
    partition: caller.partition,
    account: caller.account,
    principals,
    groups,
    policies: [...policies.values()].sort((a, b) => a.arn.localeCompare(b.arn)),
    buckets,
    incomplete,
  };
}

/**
 * Writes the snapshot. It holds no secrets (no keys, passwords or tokens: names, tags and policy
 * documents only), but it maps who can reach what, so it is written readable by its owner alone.
 */
export async function saveSnapshot(file: string, snapshot: AccountSnapshot): Promise<void> {
  await writeFile(file, JSON.stringify(snapshot) + '\n', { mode: 0o600 });
  // The mode above applies only to a new file: one written over keeps its mode unless changed.
  await chmod(file, 0o600);
}

export async function loadSnapshot(file: string): Promise<AccountSnapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read snapshot ${file} (${code}): give the file that 'access --snapshot FILE' wrote`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`snapshot ${file} is not JSON: give the file that 'access --snapshot FILE' wrote`);
  }
  const s = data as Partial<AccountSnapshot> | null;
  if (
    !s ||
    s.format !== SNAPSHOT_FORMAT ||
    s.version !== SNAPSHOT_VERSION ||
    typeof s.account !== 'string' ||
    typeof s.partition !== 'string' ||
    ![s.principals, s.groups, s.policies, s.buckets, s.incomplete].every(Array.isArray)
  ) {
    throw new UsageError(
      `snapshot ${file} is not an s3-share access snapshot (version ${SNAPSHOT_VERSION}): take a new one with --snapshot FILE`,
    );
  }
  return s as AccountSnapshot;
}
