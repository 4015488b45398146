/**
 * The check `create` and `rotate-key` run before they hand out a key: what will the key be able
 * to do, and is that more than the grant? Reads the principal's policies with IAM read calls
 * (inline, attached managed, its groups' inline and attached, its boundary) into a PolicySet,
 * and asks the access evaluator for the excess (policies/access/excess.ts).
 *
 * It runs while the plan is built, before any write, so a refusal leaves nothing to roll back.
 * A policy that cannot be read is never taken as "grants nothing": the check fails (or, with
 * --allow-excess, warns) instead. An unreadable boundary is left out, which can only make the
 * answer wider, never safer than it is.
 */
import {
  GetGroupPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRolePolicies,
  paginateListUserPolicies,
  paginateListUserTags,
  type IAMClient,
  type Tag,
} from '@aws-sdk/client-iam';
import { collectItems } from '../../aws/pagination';
import { describeAwsError, errorCode } from '../../aws/errors';
import { OperationError, UsageError } from '../../errors';
import type { Reporter } from '../../output/reporter';
import { describeExcess, findExcess, type Excess, type ExcessScope, type LabelledPolicy, type PolicySet } from '../../policies/access';
import { decodePolicyDocument } from '../../policies/statements';
import { managedDocumentCache } from '../users/managed-policy';

/** The explicit permissions a create may be given to go past its safety rules. */
export interface CreateGuard {
  /** --reuse-user: an existing user that s3-share did not make may get the grant and a key. */
  reuseUser: boolean;
  /** --replace-boundary: an existing user's permissions boundary may be set or removed. */
  replaceBoundary: boolean;
  /** --allow-excess: issue the key even when it can do more than the grant. */
  allowExcess: boolean;
}

export const NO_OVERRIDES: CreateGuard = { reuseUser: false, replaceBoundary: false, allowExcess: false };

const policyName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** One policy that will be part of the principal's set after this run (the one s3-share writes). */
export interface Written {
  name: string;
  document: unknown;
}

/** A principal's policies as they stand, with what the caller asked for dropped or added. */
export interface PrincipalPolicies {
  set: PolicySet;
  /** Names of inline policies and ARNs of managed ones, for telling s3-share's apart. */
  inlineNames: string[];
  managedArns: string[];
}

async function readable<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw new OperationError(
      `cannot read ${what} to check what the new key could do (${describeAwsError(err)}): use credentials that may read IAM policies (iam:List*, iam:Get*), or pass --allow-excess to skip the check`,
      errorCode(err),
    );
  }
}

/** The boundary's document; undefined (left out) when it cannot be read: that only widens the answer. */
async function boundaryPolicy(documents: (arn: string) => Promise<unknown>, who: string, arn: string | undefined) {
  if (!arn) return undefined;
  try {
    return { label: `${who} boundary ${policyName(arn)}`, document: await documents(arn) } satisfies LabelledPolicy;
  } catch {
    return undefined;
  }
}

/**
 * Everything AWS consults for a user's request: its inline and attached policies, its groups'
 * inline and attached policies, and a boundary (the one it will have after this run).
 */
export async function userPolicies(iam: IAMClient, userName: string, boundaryArn: string | undefined): Promise<PrincipalPolicies> {
  const who = `user ${userName}`;
  const documents = managedDocumentCache(iam);
  return readable(`the policies of ${who}`, async () => {
    const inlineNames = await collectItems(paginateListUserPolicies({ client: iam }, { UserName: userName }), (p) => p.PolicyNames);
    const inline = await Promise.all(
      inlineNames.map(async (PolicyName) => ({
        label: `${who} inline ${PolicyName}`,
        document: decodePolicyDocument((await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName }))).PolicyDocument),
      })),
    );
    const attached = await collectItems(
      paginateListAttachedUserPolicies({ client: iam }, { UserName: userName }),
      (p) => p.AttachedPolicies,
    );
    const managedArns = attached.map((a) => a.PolicyArn ?? '').filter(Boolean);
    const managed = await Promise.all(
      managedArns.map(async (arn) => ({ label: `${who} managed ${policyName(arn)}`, document: await documents(arn) })),
    );
    const groupNames = (await collectItems(paginateListGroupsForUser({ client: iam }, { UserName: userName }), (p) => p.Groups)).map(
      (g) => g.GroupName ?? '',
    );
    const groups = await Promise.all(
      groupNames.map(async (GroupName) => {
        const names = await collectItems(paginateListGroupPolicies({ client: iam }, { GroupName }), (p) => p.PolicyNames);
        const arns = (await collectItems(paginateListAttachedGroupPolicies({ client: iam }, { GroupName }), (p) => p.AttachedPolicies)).map(
          (a) => a.PolicyArn ?? '',
        );
        return {
          name: GroupName,
          inline: await Promise.all(
            names.map(async (PolicyName) => ({
              label: `group ${GroupName} inline ${PolicyName}`,
              document: decodePolicyDocument((await iam.send(new GetGroupPolicyCommand({ GroupName, PolicyName }))).PolicyDocument),
            })),
          ),
          managed: await Promise.all(
            arns
              .filter(Boolean)
              .map(async (arn) => ({ label: `group ${GroupName} managed ${policyName(arn)}`, document: await documents(arn) })),
          ),
        };
      }),
    );
    const boundary = await boundaryPolicy(documents, who, boundaryArn);
    return { set: { inline, managed, groups, ...(boundary ? { boundary } : {}) }, inlineNames, managedArns };
  });
}

/** A role's inline and attached policies and its boundary. */
export async function rolePolicies(iam: IAMClient, roleName: string, boundaryArn: string | undefined): Promise<PrincipalPolicies> {
  const who = `role ${roleName}`;
  const documents = managedDocumentCache(iam);
  return readable(`the policies of ${who}`, async () => {
    const inlineNames = await collectItems(paginateListRolePolicies({ client: iam }, { RoleName: roleName }), (p) => p.PolicyNames);
    const inline = await Promise.all(
      inlineNames.map(async (PolicyName) => ({
        label: `${who} inline ${PolicyName}`,
        document: decodePolicyDocument((await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }))).PolicyDocument),
      })),
    );
    const managedArns = (
      await collectItems(paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }), (p) => p.AttachedPolicies)
    )
      .map((a) => a.PolicyArn ?? '')
      .filter(Boolean);
    const managed = await Promise.all(
      managedArns.map(async (arn) => ({ label: `${who} managed ${policyName(arn)}`, document: await documents(arn) })),
    );
    const boundary = await boundaryPolicy(documents, who, boundaryArn);
    return { set: { inline, managed, ...(boundary ? { boundary } : {}) }, inlineNames, managedArns };
  });
}

/**
 * The user's tags (empty when it has none); undefined when they cannot be read, which the caller
 * must take as "not known to be s3-share's", never as s3-share's.
 */
export async function userTags(iam: IAMClient, userName: string): Promise<Tag[] | undefined> {
  try {
    return await collectItems(paginateListUserTags({ client: iam }, { UserName: userName }), (p) => p.Tags);
  } catch {
    return undefined;
  }
}

/** The set after this run: the written policy replaces an inline policy of the same name. */
export function withWritten(set: PolicySet, who: string, written: Written): PolicySet {
  const label = `${who} inline ${written.name}`;
  return { ...set, inline: [...(set.inline ?? []).filter((p) => p.label !== label), { label, document: written.document }] };
}

export interface ReachCheck {
  /** "user alice", "role photos-reader". */
  who: string;
  principal: string;
  full: PolicySet;
  grant: PolicySet;
  scope: ExcessScope;
  allowExcess: boolean;
  /** What to suggest besides --allow-excess ("choose another --username"). */
  remedy: string;
}

/**
 * Refuses (exit 1, one line naming the excess) when the principal can do more than the grant,
 * unless allowExcess: then it warns. Says the verdict on stderr either way, which is what
 * --dry-run shows.
 */
export function checkReach(check: ReachCheck, reporter: Reporter): Excess[] {
  const excess = findExcess({ principal: check.principal, full: check.full, grant: check.grant, scope: check.scope });
  if (!excess.length) {
    reporter.info(`checked: ${check.who} can do nothing beyond this grant`);
    return excess;
  }
  const what = describeExcess(excess);
  if (check.allowExcess) {
    reporter.warn(`${check.who} can do more than this grant (--allow-excess): ${what}`);
    return excess;
  }
  throw new OperationError(
    `${check.who} could do more than this grant, so no key was issued and nothing was changed: ${what}: ${check.remedy}, or pass --allow-excess to issue it anyway`,
    'ExcessAccess',
  );
}

/** A key for the identity running s3-share would hand over the caller's own rights: refused. */
export function refuseOwnUser(callerArn: string, userName: string, how: string): void {
  const m = /^arn:[\w-]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(callerArn);
  if (m && m[1] === userName) {
    throw new UsageError(
      `user ${userName} is the identity running s3-share (${callerArn}): s3-share never issues a key for its own caller; ${how}`,
    );
  }
}

/** The buckets a set of policy documents names in S3 ARNs (for rotate-key's scope). */
export function bucketsNamed(documents: unknown[]): string[] {
  const text = JSON.stringify(documents);
  const names = new Set<string>();
  for (const m of text.matchAll(/arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?=[/"])/g)) names.add(m[1]!);
  return [...names];
}
