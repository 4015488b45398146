/**
 * IAM roles, as `list-roles` shows them: every role in the account or the named ones, optionally
 * with each role's inline policies and attached managed policies (documents included).
 */
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { errorCode } from '../../aws/errors';
import { collectItems } from '../../aws/pagination';
import { decodePolicyDocument } from '../../policies/statements';
import { createLimiter, mapOrdered, withLimit } from '../concurrency';
import { managedDocumentCache } from './managed-policy';

export interface RoleInlinePolicy {
  PolicyName: string;
  PolicyDocument: unknown;
}

export interface RoleAttachedPolicy {
  PolicyName: string;
  PolicyArn: string;
  /** The default version's document. */
  PolicyDocument: unknown;
}

export interface RoleRecord {
  Path: string;
  RoleName: string;
  RoleId: string;
  Arn: string;
  CreateDate?: string;
  AssumeRolePolicyDocument?: unknown;
  Description?: string;
  MaxSessionDuration?: number;
  PermissionsBoundary?: string;
  Tags?: Array<{ Key: string; Value: string }>;
  RoleLastUsed?: { LastUsedDate?: string; Region?: string };
  inline_policies?: RoleInlinePolicy[];
  attached_policies?: RoleAttachedPolicy[];
}

/** The columns list-roles prints, in s3-credentials' order; --details adds the two policy lists. */
export const ROLE_COLUMNS = [
  'Path',
  'RoleName',
  'RoleId',
  'Arn',
  'CreateDate',
  'AssumeRolePolicyDocument',
  'Description',
  'MaxSessionDuration',
  'PermissionsBoundary',
  'Tags',
  'RoleLastUsed',
] as const;
export const ROLE_DETAIL_COLUMNS = ['inline_policies', 'attached_policies'] as const;

export interface ListRolesInput {
  /** Roles to read; every role in the account when empty. */
  names: string[];
  /** Also read each role's inline and attached managed policies. */
  details: boolean;
  /** Requests in flight at most. */
  concurrency: number;
  /** Told about each named role that does not exist; the others are still listed. */
  onMissing?: (name: string) => void;
}

/**
 * The roles, in account order (or the order named), yielded as they are read. Named roles are
 * read with GetRole, one request each, rather than by listing the whole account. With details,
 * roles are read ahead of output so the request limit stays busy, and a managed policy attached
 * to many roles is fetched once.
 */
export async function* listRoles(iam: IAMClient, input: ListRolesInput): AsyncGenerator<RoleRecord> {
  const client = withLimit(iam, createLimiter(input.concurrency));
  const managedDocument = managedDocumentCache(client);
  const window = input.concurrency * 2;
  const source: AsyncIterable<Role | undefined> = input.names.length
    ? mapOrdered(uniq(input.names), window, (name) => getRole(client, name, input.onMissing))
    : allRoles(client);
  const records = mapOrdered(source, window, async (role) => {
    if (!role) return undefined;
    const record = roleRecord(role);
    if (!input.details) return record;
    const [inline_policies, attached_policies] = await Promise.all([
      inlinePolicies(client, record.RoleName),
      attachedPolicies(client, record.RoleName, managedDocument),
    ]);
    return { ...record, inline_policies, attached_policies };
  });
  for await (const record of records) if (record) yield record;
}

function uniq(names: string[]): string[] {
  return [...new Set(names)];
}

async function* allRoles(iam: IAMClient): AsyncGenerator<Role> {
  for await (const page of paginateListRoles({ client: iam, pageSize: 1000 }, {})) yield* page.Roles ?? [];
}

async function getRole(iam: IAMClient, RoleName: string, onMissing?: (name: string) => void): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName }))).Role;
  } catch (err) {
    if (errorCode(err) !== 'NoSuchEntity') throw err;
    onMissing?.(RoleName);
    return undefined;
  }
}

function roleRecord(r: Role): RoleRecord {
  return {
    Path: r.Path ?? '/',
    RoleName: r.RoleName ?? '',
    RoleId: r.RoleId ?? '',
    Arn: r.Arn ?? '',
    CreateDate: r.CreateDate?.toISOString(),
    ...(r.AssumeRolePolicyDocument ? { AssumeRolePolicyDocument: decodePolicyDocument(r.AssumeRolePolicyDocument) } : {}),
    ...(r.Description ? { Description: r.Description } : {}),
    ...(r.MaxSessionDuration !== undefined ? { MaxSessionDuration: r.MaxSessionDuration } : {}),
    ...(r.PermissionsBoundary?.PermissionsBoundaryArn ? { PermissionsBoundary: r.PermissionsBoundary.PermissionsBoundaryArn } : {}),
    ...(r.Tags?.length ? { Tags: r.Tags.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })) } : {}),
    ...(r.RoleLastUsed?.LastUsedDate || r.RoleLastUsed?.Region
      ? {
          RoleLastUsed: {
            ...(r.RoleLastUsed.LastUsedDate ? { LastUsedDate: r.RoleLastUsed.LastUsedDate.toISOString() } : {}),
            ...(r.RoleLastUsed.Region ? { Region: r.RoleLastUsed.Region } : {}),
          },
        }
      : {}),
  };
}

async function inlinePolicies(iam: IAMClient, RoleName: string): Promise<RoleInlinePolicy[]> {
  const names = await collectItems(paginateListRolePolicies({ client: iam }, { RoleName }), (page) => page.PolicyNames);
  return Promise.all(
    names.map(async (PolicyName) => {
      const out = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
      return { PolicyName, PolicyDocument: decodePolicyDocument(out.PolicyDocument) };
    }),
  );
}

async function attachedPolicies(
  iam: IAMClient,
  RoleName: string,
  managedDocument: (arn: string) => Promise<unknown>,
): Promise<RoleAttachedPolicy[]> {
  const attached = await collectItems(paginateListAttachedRolePolicies({ client: iam }, { RoleName }), (page) => page.AttachedPolicies);
  return Promise.all(
    attached.map(async ({ PolicyName = '', PolicyArn = '' }) => ({
      PolicyName,
      PolicyArn,
      PolicyDocument: await managedDocument(PolicyArn),
    })),
  );
}
