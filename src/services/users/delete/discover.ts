/**
 * Discovering what delete-user removes: everything attached to a user, and which of it s3-share
 * made. Nothing here writes.
 *
 * What counts as made by s3-share (and is therefore deleted, not just detached):
 * - a customer-managed policy whose path is /s3-share/ or whose name starts with "s3-share",
 *   once nothing else has it attached (AttachmentCount 0 after detaching);
 * - a role that the user's policies allow sts:AssumeRole on (a literal role ARN), when the role is
 *   tagged s3-share:user=<user> or its trust policy admits this user and nobody else (the user's
 *   ARN as sole principal, or the account pinned by aws:PrincipalArn to that ARN), and no other
 *   user, group or role inline policy and no other attached managed policy in the account names
 *   the role's ARN (GetAccountAuthorizationDetails). Otherwise the role is kept, with a warning.
 */
import {
  GetLoginProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListServiceSpecificCredentialsCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListMFADevices,
  paginateListRolePolicies,
  paginateListRoleTags,
  paginateListSigningCertificates,
  paginateListSSHPublicKeys,
  paginateListUserPolicies,
  type IAMClient,
  type Tag,
} from '@aws-sdk/client-iam';
import { errorCode, isNoSuchEntity } from '../../../aws/errors';
import { collectItems } from '../../../aws/pagination';
import { OperationError } from '../../../errors';
import type { Reporter } from '../../../output/reporter';
import { grantedPrefixes } from '../../../policies/prefix-grants';
import { isS3ShareManagedPolicy, ROLE_OWNER_TAG } from '../../../policies/ownership';
import { decodePolicyDocument } from '../../../policies/statements';
import { assumableRoleArns, trustNamesOnly } from '../../../policies/trust';
import { readManagedPolicy } from '../managed-policy';
import type { RemovalStep, RemovalType, UserPlan } from './types';

const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * Who else in the account names a role ARN: one GetAccountAuthorizationDetails scan per run,
 * shared by every user. Undefined when the caller may not read it (then no role is deleted).
 */
type ReferenceIndex = (roleArn: string, exceptUser: string, exceptPolicies: Set<string>) => string | undefined;

export function referenceScanner(iam: IAMClient): () => Promise<ReferenceIndex | undefined> {
  let scan: Promise<ReferenceIndex | undefined> | undefined;
  return () =>
    (scan ??= (async () => {
      const holders: Array<{ who: string; user?: string; policyArn?: string; attachments?: number; text: string }> = [];
      try {
        for await (const page of paginateGetAccountAuthorizationDetails(
          { client: iam },
          { Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy'] },
        )) {
          for (const u of page.UserDetailList ?? []) {
            for (const p of u.UserPolicyList ?? [])
              holders.push({ who: `user ${u.UserName}`, user: u.UserName, text: JSON.stringify(decodePolicyDocument(p.PolicyDocument)) });
          }
          for (const g of page.GroupDetailList ?? []) {
            for (const p of g.GroupPolicyList ?? [])
              holders.push({ who: `group ${g.GroupName}`, text: JSON.stringify(decodePolicyDocument(p.PolicyDocument)) });
          }
          for (const r of page.RoleDetailList ?? []) {
            for (const p of r.RolePolicyList ?? [])
              holders.push({ who: `role ${r.RoleName}`, text: JSON.stringify(decodePolicyDocument(p.PolicyDocument)) });
          }
          for (const p of page.Policies ?? []) {
            const doc = (p.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion)?.Document;
            holders.push({
              who: `policy ${p.Arn}`,
              policyArn: p.Arn,
              attachments: p.AttachmentCount ?? 0,
              text: JSON.stringify(decodePolicyDocument(doc)),
            });
          }
        }
      } catch (err) {
        if (/^AccessDenied/.test(errorCode(err))) return undefined;
        throw err;
      }
      return (roleArn, exceptUser, exceptPolicies) => {
        const quoted = JSON.stringify(roleArn);
        const holder = holders.find((h) => {
          if (!h.text.includes(quoted)) return false;
          if (h.user === exceptUser) return false;
          if (h.who === `role ${roleName(roleArn)}`) return false;
          // A managed policy counts when it is attached to someone other than the user being deleted.
          if (h.policyArn) return exceptPolicies.has(h.policyArn) ? (h.attachments ?? 0) > 1 : (h.attachments ?? 0) > 0;
          return true;
        });
        return holder?.who;
      };
    })());
}

export interface PlanContext {
  iam: IAMClient;
  reporter: Reporter;
  deleteObjects: boolean;
  references: () => Promise<ReferenceIndex | undefined>;
}

async function inlineDocuments(iam: IAMClient, UserName: string): Promise<Array<{ name: string; document: unknown }>> {
  const names = await collectItems(paginateListUserPolicies({ client: iam }, { UserName }), (p) => p.PolicyNames);
  return Promise.all(
    names.map(async (PolicyName) => {
      const out = await iam.send(new GetUserPolicyCommand({ UserName, PolicyName }));
      return { name: PolicyName, document: decodePolicyDocument(out.PolicyDocument) };
    }),
  );
}

/** Discovers everything attached to a user, in removal order. Writes nothing. */
export async function planUserDeletion(ctx: PlanContext, UserName: string): Promise<UserPlan> {
  const { iam } = ctx;
  let userArn: string;
  let boundary: string | undefined;
  try {
    const { User } = await iam.send(new GetUserCommand({ UserName }));
    userArn = User?.Arn ?? '';
    boundary = User?.PermissionsBoundary?.PermissionsBoundaryArn;
  } catch (err) {
    if (isNoSuchEntity(err)) throw new OperationError(`user ${UserName} does not exist (NoSuchEntity)`, 'NoSuchEntity');
    throw err;
  }
  const [keys, inline, attached, loginProfile, mfa, certs, sshKeys, serviceCreds, groups] = await Promise.all([
    collectItems(paginateListAccessKeys({ client: iam }, { UserName }), (p) => p.AccessKeyMetadata),
    inlineDocuments(iam, UserName),
    collectItems(paginateListAttachedUserPolicies({ client: iam }, { UserName }), (p) => p.AttachedPolicies),
    iam.send(new GetLoginProfileCommand({ UserName })).then(
      () => true,
      (err: unknown) => {
        if (isNoSuchEntity(err)) return false;
        throw err;
      },
    ),
    collectItems(paginateListMFADevices({ client: iam }, { UserName }), (p) => p.MFADevices),
    collectItems(paginateListSigningCertificates({ client: iam }, { UserName }), (p) => p.Certificates),
    collectItems(paginateListSSHPublicKeys({ client: iam }, { UserName }), (p) => p.SSHPublicKeys),
    iam.send(new ListServiceSpecificCredentialsCommand({ UserName })).then((o) => o.ServiceSpecificCredentials ?? []),
    collectItems(paginateListGroupsForUser({ client: iam }, { UserName }), (p) => p.Groups),
  ]);

  const ours = attached.map((p) => p.PolicyArn ?? '').filter(isS3ShareManagedPolicy);
  const oursDocs = await Promise.all(ours.map(async (arn) => ({ arn, ...(await readManagedPolicy(iam, arn)) })));
  const userDocuments = [...inline.map((p) => p.document), ...oursDocs.map((p) => p.document)];

  const roles: string[] = [];
  const roleDocuments: unknown[] = [];
  for (const arn of assumableRoleArns(userDocuments)) {
    const owned = await ownedRole(ctx, arn, UserName, userArn, new Set(ours));
    if (!owned) continue;
    roles.push(owned.RoleName);
    roleDocuments.push(...owned.documents);
  }

  const step = (Type: RemovalType, Id: string, extra: Partial<RemovalStep> = {}): RemovalStep => ({ UserName, Type, Id, ...extra });
  const steps: RemovalStep[] = [];
  let refusals: string[] = [];
  if (ctx.deleteObjects) {
    const scan = grantedPrefixes([...userDocuments, ...roleDocuments]);
    refusals = scan.refusals;
    for (const target of scan.targets) steps.push(step('objects', `s3://${target.Bucket}/${target.Prefix}`, { target }));
  }
  for (const k of keys) steps.push(step('access-key', k.AccessKeyId ?? ''));
  // Before the inline policy that names it, so that a rerun after a failure can still find it.
  for (const r of roles) steps.push(step('role', r));
  for (const p of inline) steps.push(step('inline-policy', p.name));
  for (const p of attached) {
    const arn = p.PolicyArn ?? '';
    steps.push(step('managed-policy', arn));
    const doc = oursDocs.find((d) => d.arn === arn);
    if (doc && doc.attachments <= 1) steps.push(step('policy', arn));
    else if (doc)
      ctx.reporter.warn(
        `${UserName}: policy ${arn} is attached to ${doc.attachments - 1} other user(s), group(s) or role(s): it will be detached, not deleted`,
      );
  }
  if (loginProfile) steps.push(step('login-profile', UserName));
  for (const d of mfa) {
    const serial = d.SerialNumber ?? '';
    steps.push(step('mfa-device', serial, { virtual: serial.startsWith('arn:') }));
  }
  for (const c of certs) steps.push(step('signing-certificate', c.CertificateId ?? ''));
  for (const k of sshKeys) steps.push(step('ssh-key', k.SSHPublicKeyId ?? ''));
  for (const c of serviceCreds) steps.push(step('service-credential', c.ServiceSpecificCredentialId ?? ''));
  for (const g of groups) steps.push(step('group-membership', g.GroupName ?? ''));
  if (boundary) steps.push(step('permissions-boundary', boundary));
  steps.push(step('user', UserName));
  return { UserName, steps, refusals };
}

/** The role, if s3-share made it for this user and nothing else uses it (see the file comment). */
async function ownedRole(
  ctx: PlanContext,
  roleArn: string,
  UserName: string,
  userArn: string,
  userPolicies: Set<string>,
): Promise<{ RoleName: string; documents: unknown[] } | undefined> {
  const { iam, reporter } = ctx;
  const RoleName = roleName(roleArn);
  let trust: unknown;
  let tags: Tag[] | undefined;
  try {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName }));
    if (Role?.Arn !== roleArn) return undefined;
    trust = decodePolicyDocument(Role.AssumeRolePolicyDocument);
    tags = Role.Tags;
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
  tags ??= await collectItems(paginateListRoleTags({ client: iam }, { RoleName }), (p) => p.Tags);
  const tagged = tags.some((t) => t.Key === ROLE_OWNER_TAG && t.Value === UserName);
  if (!tagged && !trustNamesOnly(trust, userArn)) {
    reporter.warn(`${UserName}: role ${RoleName} is not tagged ${ROLE_OWNER_TAG}=${UserName} and trusts others too: kept`);
    return undefined;
  }
  const references = await ctx.references();
  if (!references) {
    reporter.warn(
      `${UserName}: cannot read the account's policies (GetAccountAuthorizationDetails) to check who else uses role ${RoleName}: kept`,
    );
    return undefined;
  }
  const other = references(roleArn, UserName, userPolicies);
  if (other) {
    reporter.warn(`${UserName}: role ${RoleName} is also named by ${other}: kept`);
    return undefined;
  }
  const documents: unknown[] = [];
  if (ctx.deleteObjects) {
    const names = await collectItems(paginateListRolePolicies({ client: iam }, { RoleName }), (p) => p.PolicyNames);
    for (const PolicyName of names) {
      const out = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
      documents.push(decodePolicyDocument(out.PolicyDocument));
    }
    const attached = await collectItems(paginateListAttachedRolePolicies({ client: iam }, { RoleName }), (p) => p.AttachedPolicies);
    for (const p of attached)
      if (p.PolicyArn && isS3ShareManagedPolicy(p.PolicyArn)) documents.push((await readManagedPolicy(iam, p.PolicyArn)).document);
  }
  return { RoleName, documents };
}
