// A fake IAM account for delete-user tests: users with every kind of attached item, served by
// aws-sdk-client-mock, with the write calls recorded in order.
import {
  DetachUserPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListInstanceProfilesForRoleCommand,
  ListMFADevicesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

export const ACCOUNT = '123456789012';
export const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
export const noSuchEntity = (what = 'thing') =>
  Object.assign(new Error(`The ${what} cannot be found.`), { name: 'NoSuchEntityException', $metadata: {} });

export interface FakeUser {
  keys?: string[];
  inline?: Record<string, unknown>;
  attached?: string[];
  loginProfile?: boolean;
  mfa?: string[];
  certs?: string[];
  ssh?: string[];
  serviceCreds?: string[];
  groups?: string[];
  boundary?: string;
}

export interface FakeAccount {
  users: Record<string, FakeUser>;
  policies?: Record<string, { document: unknown; attachments: number; versions?: string[] }>;
  roles?: Record<string, { trust: unknown; tags?: Record<string, string>; inline?: Record<string, unknown> }>;
  /** Other principals' inline policy documents, as GetAccountAuthorizationDetails returns them. */
  otherUsers?: Record<string, unknown>;
}

const enc = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fakeIam(account: FakeAccount): AwsStub<any, any, any> {
  const iam = mockClient(IAMClient);
  const user = (name: string | undefined) => {
    const u = account.users[name ?? ''];
    if (!u) throw noSuchEntity(`user with name ${name}`);
    return u;
  };
  iam.on(GetUserCommand).callsFake(async ({ UserName }) => {
    const u = user(UserName);
    return {
      User: { UserName, Arn: userArn(UserName), ...(u.boundary ? { PermissionsBoundary: { PermissionsBoundaryArn: u.boundary } } : {}) },
    };
  });
  iam
    .on(ListAccessKeysCommand)
    .callsFake(async ({ UserName }) => ({ AccessKeyMetadata: (user(UserName).keys ?? []).map((AccessKeyId) => ({ AccessKeyId })) }));
  iam.on(ListUserPoliciesCommand).callsFake(async ({ UserName }) => ({ PolicyNames: Object.keys(user(UserName).inline ?? {}) }));
  iam
    .on(GetUserPolicyCommand)
    .callsFake(async ({ UserName, PolicyName }) => ({ PolicyDocument: enc(user(UserName).inline?.[PolicyName]) }));
  iam.on(ListAttachedUserPoliciesCommand).callsFake(async ({ UserName }) => ({
    AttachedPolicies: (user(UserName).attached ?? []).map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
  }));
  iam.on(GetLoginProfileCommand).callsFake(async ({ UserName }) => {
    if (!user(UserName).loginProfile) throw noSuchEntity('login profile');
    return { LoginProfile: { UserName } };
  });
  iam
    .on(ListMFADevicesCommand)
    .callsFake(async ({ UserName }) => ({ MFADevices: (user(UserName).mfa ?? []).map((SerialNumber) => ({ SerialNumber })) }));
  iam
    .on(ListSigningCertificatesCommand)
    .callsFake(async ({ UserName }) => ({ Certificates: (user(UserName).certs ?? []).map((CertificateId) => ({ CertificateId })) }));
  iam
    .on(ListSSHPublicKeysCommand)
    .callsFake(async ({ UserName }) => ({ SSHPublicKeys: (user(UserName).ssh ?? []).map((SSHPublicKeyId) => ({ SSHPublicKeyId })) }));
  iam.on(ListServiceSpecificCredentialsCommand).callsFake(async ({ UserName }) => ({
    ServiceSpecificCredentials: (user(UserName).serviceCreds ?? []).map((ServiceSpecificCredentialId) => ({ ServiceSpecificCredentialId })),
  }));
  iam
    .on(ListGroupsForUserCommand)
    .callsFake(async ({ UserName }) => ({ Groups: (user(UserName).groups ?? []).map((GroupName) => ({ GroupName })) }));
  const policy = (arn: string) => {
    const p = account.policies?.[arn];
    if (!p) throw noSuchEntity(`policy ${arn}`);
    return p;
  };
  iam.on(GetPolicyCommand).callsFake(async ({ PolicyArn }) => ({
    Policy: { Arn: PolicyArn, DefaultVersionId: 'v1', AttachmentCount: policy(PolicyArn).attachments },
  }));
  iam.on(GetPolicyVersionCommand).callsFake(async ({ PolicyArn }) => ({ PolicyVersion: { Document: enc(policy(PolicyArn).document) } }));
  iam.on(ListPolicyVersionsCommand).callsFake(async ({ PolicyArn }) => ({
    Versions: [
      { VersionId: 'v1', IsDefaultVersion: true },
      ...(policy(PolicyArn).versions ?? []).map((VersionId) => ({ VersionId, IsDefaultVersion: false })),
    ],
  }));
  // Detaching lowers the policy's AttachmentCount, as in IAM.
  iam.on(DetachUserPolicyCommand).callsFake(async ({ PolicyArn }) => {
    const p = account.policies?.[PolicyArn];
    if (p) p.attachments--;
    return {};
  });
  const role = (name: string | undefined) => {
    const r = account.roles?.[name ?? ''];
    if (!r) throw noSuchEntity(`role ${name}`);
    return r;
  };
  iam.on(GetRoleCommand).callsFake(async ({ RoleName }) => ({
    Role: { RoleName, Arn: `arn:aws:iam::${ACCOUNT}:role/${RoleName}`, AssumeRolePolicyDocument: enc(role(RoleName).trust) },
  }));
  iam
    .on(ListRoleTagsCommand)
    .callsFake(async ({ RoleName }) => ({ Tags: Object.entries(role(RoleName).tags ?? {}).map(([Key, Value]) => ({ Key, Value })) }));
  iam.on(ListRolePoliciesCommand).callsFake(async ({ RoleName }) => ({ PolicyNames: Object.keys(role(RoleName).inline ?? {}) }));
  iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(ListInstanceProfilesForRoleCommand).resolves({ InstanceProfiles: [] });
  iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async () => ({
    UserDetailList: [
      ...Object.entries(account.users).map(([UserName, u]) => ({
        UserName,
        UserPolicyList: Object.entries(u.inline ?? {}).map(([PolicyName, d]) => ({ PolicyName, PolicyDocument: enc(d) })),
      })),
      ...Object.entries(account.otherUsers ?? {}).map(([UserName, d]) => ({
        UserName,
        UserPolicyList: [{ PolicyName: 'p', PolicyDocument: enc(d) }],
      })),
    ],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
  }));
  return iam;
}

/** Names of the write calls made, in order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function writeCalls(iam: AwsStub<any, any, any>): string[] {
  return iam
    .calls()
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
    .filter((n) => /^(Delete|Remove|Deactivate|Detach|Put|Create|Update|Attach)/.test(n));
}
