/**
 * delete-user: remove everything IAM attaches to a user, then the user, so DeleteUser never ends
 * in DeleteConflict. Each user is first planned (every attached item discovered, nothing written),
 * then the plan is run in order. Every removal treats NoSuchEntity as "already gone", so running
 * the command again after a partial failure finishes the job.
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
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
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
  paginateListInstanceProfilesForRole,
  paginateListMFADevices,
  paginateListPolicyVersions,
  paginateListRolePolicies,
  paginateListRoleTags,
  paginateListSigningCertificates,
  paginateListSSHPublicKeys,
  paginateListUserPolicies,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  type IAMClient,
  type Tag,
} from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeAwsError, errorCode, isNoSuchEntity } from '../../aws/errors';
import { collectItems } from '../../aws/pagination';
import { OperationError } from '../../errors';
import type { Reporter } from '../../output/reporter';
import { createLimiter } from '../concurrency';
import { deletePrefixObjects, ObjectDeletionError } from '../objects/prefix-delete';
import { grantedPrefixes, type PrefixTarget } from '../../policies/prefix-grants';
import { isS3ShareManagedPolicy, ROLE_OWNER_TAG } from '../../policies/ownership';
import { decodePolicyDocument } from '../../policies/statements';
import { assumableRoleArns, trustNamesOnly } from '../../policies/trust';
import { readManagedPolicy } from './managed-policy';

export type RemovalType =
  | 'objects'
  | 'access-key'
  | 'role'
  | 'inline-policy'
  | 'managed-policy'
  | 'policy'
  | 'login-profile'
  | 'mfa-device'
  | 'signing-certificate'
  | 'ssh-key'
  | 'service-credential'
  | 'group-membership'
  | 'permissions-boundary'
  | 'user';

/** One removed (or, in a dry run, to be removed) item: what --nl prints. */
export interface RemovalRecord {
  UserName: string;
  Type: RemovalType;
  Id: string;
  /** For Type "objects": how many were deleted (absent in a dry run). */
  Count?: number;
}

/** A step of a user's plan: the record it produces and what the executor needs to run it. */
export interface RemovalStep extends RemovalRecord {
  /** mfa-device: a virtual device (its serial is an ARN) is deleted after deactivation. */
  virtual?: boolean;
  /** objects: the folder to empty. */
  target?: PrefixTarget;
}

export interface UserPlan {
  UserName: string;
  steps: RemovalStep[];
  /** --delete-objects grants that cannot be bounded to a folder. */
  refusals: string[];
}

export interface UserOutcome {
  UserName: string;
  /** One line, set when this user was not (fully) deleted. */
  error?: string;
  removed: RemovalRecord[];
}

export interface DeleteUsersInput {
  users: string[];
  /** Users handled at once. */
  concurrency: number;
  dryRun: boolean;
  /** Also delete the objects under every folder the user's policies grant. */
  deleteObjects: boolean;
  /**
   * Asked once, before anything is deleted, when deleteObjects finds folders to empty; false
   * stops the whole run. Absent: go ahead.
   */
  confirm?: (targets: Array<PrefixTarget & { UserName: string }>) => Promise<boolean>;
  /** Called as each item is removed (or planned, in a dry run), for streaming output. */
  onRecord?: (record: RemovalRecord) => void;
}

export interface DeleteUsersClients {
  iam: IAMClient;
  /** Needed only for deleteObjects. */
  s3?: () => Promise<S3Client>;
}

/** Runs a removal; false when the item was already gone. */
async function removal(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (isNoSuchEntity(err)) return false;
    throw err;
  }
}

const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * Who else in the account names a role ARN: one GetAccountAuthorizationDetails scan per run,
 * shared by every user. Undefined when the caller may not read it (then no role is deleted).
 */
type ReferenceIndex = (roleArn: string, exceptUser: string, exceptPolicies: Set<string>) => string | undefined;

function referenceScanner(iam: IAMClient): () => Promise<ReferenceIndex | undefined> {
  let scan: Promise<ReferenceIndex | undefined> | undefined;
  return () =>
    (scan ??= (async () => {
      const holders: Array<{ who: string; user?: string; policyArn?: string; attachments?: number; text: string }> = [];
      try {
        for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy'] })) {
          for (const u of page.UserDetailList ?? []) {
            for (const p of u.UserPolicyList ?? []) holders.push({ who: `user ${u.UserName}`, user: u.UserName, text: JSON.stringify(decodePolicyDocument(p.PolicyDocument)) });
          }
          for (const g of page.GroupDetailList ?? []) {
            for (const p of g.GroupPolicyList ?? []) holders.push({ who: `group ${g.GroupName}`, text: JSON.stringify(decodePolicyDocument(p.PolicyDocument)) });
          }
          for (const r of page.RoleDetailList ?? []) {
            for (const p of r.RolePolicyList ?? []) holders.push({ who: `role ${r.RoleName}`, text: JSON.stringify(decodePolicyDocument(p.PolicyDocument)) });
          }
          for (const p of page.Policies ?? []) {
            const doc = (p.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion)?.Document;
            holders.push({ who: `policy ${p.Arn}`, policyArn: p.Arn, attachments: p.AttachmentCount ?? 0, text: JSON.stringify(decodePolicyDocument(doc)) });
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

interface PlanContext {
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
    else if (doc) ctx.reporter.warn(`${UserName}: policy ${arn} is attached to ${doc.attachments - 1} other user(s), group(s) or role(s): it will be detached, not deleted`);
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
    reporter.warn(`${UserName}: cannot read the account's policies (GetAccountAuthorizationDetails) to check who else uses role ${RoleName}: kept`);
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
    for (const p of attached) if (p.PolicyArn && isS3ShareManagedPolicy(p.PolicyArn)) documents.push((await readManagedPolicy(iam, p.PolicyArn)).document);
  }
  return { RoleName, documents };
}

/** Deletes a customer-managed policy (non-default versions first) if nothing has it attached. */
async function deleteManagedPolicyIfUnused(iam: IAMClient, PolicyArn: string, reporter: Reporter, who: string): Promise<boolean> {
  let attachments: number;
  try {
    attachments = (await iam.send(new GetPolicyCommand({ PolicyArn }))).Policy?.AttachmentCount ?? 0;
  } catch (err) {
    if (isNoSuchEntity(err)) return false;
    throw err;
  }
  if (attachments > 0) {
    reporter.warn(`${who}: policy ${PolicyArn} is still attached elsewhere: kept`);
    return false;
  }
  const versions = await collectItems(paginateListPolicyVersions({ client: iam }, { PolicyArn }), (p) => p.Versions);
  for (const v of versions) {
    if (!v.IsDefaultVersion && v.VersionId) await removal(() => iam.send(new DeletePolicyVersionCommand({ PolicyArn, VersionId: v.VersionId })));
  }
  return removal(() => iam.send(new DeletePolicyCommand({ PolicyArn })));
}

async function deleteRole(iam: IAMClient, RoleName: string, reporter: Reporter, who: string): Promise<boolean> {
  try {
    const inline = await collectItems(paginateListRolePolicies({ client: iam }, { RoleName }), (p) => p.PolicyNames);
    for (const PolicyName of inline) await removal(() => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })));
    const attached = await collectItems(paginateListAttachedRolePolicies({ client: iam }, { RoleName }), (p) => p.AttachedPolicies);
    for (const p of attached) {
      const PolicyArn = p.PolicyArn ?? '';
      await removal(() => iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn })));
      if (isS3ShareManagedPolicy(PolicyArn)) await deleteManagedPolicyIfUnused(iam, PolicyArn, reporter, who);
    }
    const profiles = await collectItems(paginateListInstanceProfilesForRole({ client: iam }, { RoleName }), (p) => p.InstanceProfiles);
    for (const ip of profiles) {
      await removal(() => iam.send(new RemoveRoleFromInstanceProfileCommand({ RoleName, InstanceProfileName: ip.InstanceProfileName })));
    }
  } catch (err) {
    if (isNoSuchEntity(err)) return false;
    throw err;
  }
  return removal(() => iam.send(new DeleteRoleCommand({ RoleName })));
}

/** Runs one IAM step; false when the item was already gone. */
async function runStep(iam: IAMClient, s: RemovalStep, reporter: Reporter): Promise<boolean> {
  const UserName = s.UserName;
  switch (s.Type) {
    case 'objects':
      throw new Error('objects steps are run by runObjectsStep');
    case 'access-key':
      return removal(() => iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: s.Id })));
    case 'role':
      return deleteRole(iam, s.Id, reporter, UserName);
    case 'inline-policy':
      return removal(() => iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: s.Id })));
    case 'managed-policy':
      return removal(() => iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: s.Id })));
    case 'policy':
      return deleteManagedPolicyIfUnused(iam, s.Id, reporter, UserName);
    case 'login-profile':
      return removal(() => iam.send(new DeleteLoginProfileCommand({ UserName })));
    case 'mfa-device': {
      const deactivated = await removal(() => iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: s.Id })));
      if (!s.virtual) return deactivated;
      return (await removal(() => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: s.Id })))) || deactivated;
    }
    case 'signing-certificate':
      return removal(() => iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: s.Id })));
    case 'ssh-key':
      return removal(() => iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: s.Id })));
    case 'service-credential':
      return removal(() => iam.send(new DeleteServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: s.Id })));
    case 'group-membership':
      return removal(() => iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: s.Id })));
    case 'permissions-boundary':
      return removal(() => iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName })));
    case 'user':
      return removal(() => iam.send(new DeleteUserCommand({ UserName })));
  }
}

const recordOf = (s: RemovalStep): RemovalRecord => ({ UserName: s.UserName, Type: s.Type, Id: s.Id, ...(s.Count !== undefined ? { Count: s.Count } : {}) });

/**
 * Deletes users (or, in a dry run, reports what would be deleted). One user's failure does not
 * stop the others: each outcome carries its own one-line error. Throws OperationError only when
 * --delete-objects refuses (a grant that cannot be bounded) or is not confirmed: then nothing at
 * all has been deleted.
 */
export async function deleteUsers(clients: DeleteUsersClients, input: DeleteUsersInput, reporter: Reporter): Promise<UserOutcome[]> {
  const { iam } = clients;
  const users = [...new Set(input.users)];
  const limit = createLimiter(input.concurrency);
  const ctx: PlanContext = { iam, reporter, deleteObjects: input.deleteObjects, references: referenceScanner(iam) };
  const emit = (r: RemovalRecord) => input.onRecord?.(r);

  const planned = await Promise.all(
    users.map((UserName) =>
      limit(async () => {
        try {
          return { UserName, plan: await planUserDeletion(ctx, UserName) };
        } catch (err) {
          return { UserName, error: err instanceof OperationError ? err.message : describeAwsError(err) };
        }
      }),
    ),
  );

  if (input.deleteObjects) {
    const refused = planned.flatMap((p) => (p.plan?.refusals ?? []).map((why) => `${p.UserName}: ${why}`));
    if (refused.length) {
      throw new OperationError(
        `--delete-objects refused, nothing was deleted: ${refused.join('; ')}: delete those objects yourself, then run delete-user without --delete-objects`,
      );
    }
    const targets = planned.flatMap((p) => (p.plan?.steps ?? []).filter((s) => s.target).map((s) => ({ UserName: s.UserName, ...s.target! })));
    if (!input.dryRun && targets.length && input.confirm && !(await input.confirm(targets))) {
      throw new OperationError('not confirmed, nothing was deleted: answer y, or pass --yes');
    }
  }

  if (input.dryRun) {
    return planned.map((p) => {
      if (!p.plan) return { UserName: p.UserName, error: p.error, removed: [] };
      const removed = p.plan.steps.map(recordOf);
      removed.forEach(emit);
      return { UserName: p.UserName, removed };
    });
  }

  const s3 = input.deleteObjects && clients.s3 ? await clients.s3() : undefined;
  return Promise.all(
    planned.map((p) =>
      limit(async (): Promise<UserOutcome> => {
        const removed: RemovalRecord[] = [];
        if (!p.plan) return { UserName: p.UserName, error: p.error, removed };
        for (const s of p.plan.steps) {
          try {
            if (s.Type === 'objects') {
              if (!s3 || !s.target) throw new Error('no S3 client for --delete-objects');
              const Count = await deletePrefixObjects(s3, s.target);
              reporter.info(`${p.UserName}: deleted ${Count} object(s) under ${s.Id}`);
              const r = recordOf({ ...s, Count });
              removed.push(r);
              emit(r);
              continue;
            }
            if (await runStep(iam, s, reporter)) {
              reporter.info(`${p.UserName}: removed ${s.Type} ${s.Id}`);
              const r = recordOf(s);
              removed.push(r);
              emit(r);
            } else {
              reporter.info(`${p.UserName}: ${s.Type} ${s.Id} was already gone`);
            }
          } catch (err) {
            const why = err instanceof ObjectDeletionError ? `${err.message} (${err.deleted} deleted)` : describeAwsError(err);
            return { UserName: p.UserName, error: `removing ${s.Type} ${s.Id} failed: ${why}`, removed };
          }
        }
        return { UserName: p.UserName, removed };
      }),
    ),
  );
}
