/**
 * Running one step of a user's deletion plan. Every removal treats NoSuchEntity as "already gone",
 * so running delete-user again after a partial failure finishes the job.
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
  GetPolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  paginateListPolicyVersions,
  paginateListRolePolicies,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import { isNoSuchEntity } from '../../../aws/errors';
import { collectItems } from '../../../aws/pagination';
import type { Reporter } from '../../../output/reporter';
import { isS3ShareManagedPolicy } from '../../../policies/ownership';
import { deletePrefixObjects } from '../../objects/prefix-delete';
import type { RemovalStep } from './types';

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
    if (!v.IsDefaultVersion && v.VersionId)
      await removal(() => iam.send(new DeletePolicyVersionCommand({ PolicyArn, VersionId: v.VersionId })));
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
export async function runStep(iam: IAMClient, s: RemovalStep, reporter: Reporter): Promise<boolean> {
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

/** Empties the folder of an objects step: how many objects were deleted. */
export async function runObjectsStep(s3: S3Client | undefined, s: RemovalStep): Promise<number> {
  if (!s3 || !s.target) throw new Error('no S3 client for --delete-objects');
  return deletePrefixObjects(s3, s.target);
}
