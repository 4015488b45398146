// Proves the e2e harness and each moto launcher patch (tests/support/moto_server.py): every check
// here has a counterpart that must be refused, so a patch that is missing or too permissive fails.
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  EnableMFADeviceCommand,
  GetUserCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  UploadSigningCertificateCommand,
  UploadSSHPublicKeyCommand,
  ListServiceSpecificCredentialsCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import * as os from 'os';
import * as path from 'path';
import {
  adminClients,
  clientsFor,
  createTestUser,
  describeE2E,
  expectAllowed,
  expectDenied,
  motoState,
  uniqueName,
  type Clients,
  type Credentials,
} from '../support/e2e';
import { isProcessAlive, REGION, startMoto } from '../support/moto';

const statement = (Action: string | string[], Resource: string | string[], extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
const policy = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });

async function bodyOf(s3: S3Client, Bucket: string, Key: string): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return (await Body?.transformToString('utf8')) ?? '';
}

function keysOf(list: { Contents?: { Key?: string }[] }): string[] {
  return (list.Contents ?? []).map((o) => o.Key ?? '').sort();
}

// A self-signed certificate and an SSH public key, public material only (no private key kept):
// IAM's UploadSigningCertificate parses the PEM.
const TEST_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBhjCCAS2gAwIBAgIUKvRE7NALJ/Iqx2d4cqpCFH6CH70wCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNczMtc2hhcmUtdGVzdDAgFw0yNjEyMDQxNTUzNTFaGA8yMTI2
MTExMDE1NTM1MVowGDEWMBQGA1UEAwwNczMtc2hhcmUtdGVzdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABIZOBnjbcVenX3iu8In8RsRkbN9vNmmGpy4Xhapmgoth
sLMHqsOzTrIturP/KphxAj6Zh+ATl953RSVftmr0KeqjUzBRMB0GA1UdDgQWBBSI
r3Ps2iXEduqUQ8bBtqiD4v5QBjAfBgNVHSMEGDAWgBSIr3Ps2iXEduqUQ8bBtqiD
4v5QBjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIEkgRy31KEDk
uQjZk3bu5nQf0BbS/42sU8V00M3SG3oDAiBPA2OgY7E5zV2kt1dKlS4FtaIoWfKv
5zjnnHx/os5GXw==
-----END CERTIFICATE-----
`;
const TEST_SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx4b3QgYSByZWFsIGtleSwganVzdCBhIHRlc3QgYm9keSE= s3-share-test';

describeE2E('e2e harness on moto', () => {
  let admin: Clients;
  let bucket: string;
  const arn = (suffix = '') => `arn:aws:s3:::${bucket}${suffix}`;

  beforeAll(async () => {
    admin = adminClients();
    bucket = uniqueName('harness');
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of ['alice/x', 'alice-evil/x', 'bob/x']) {
      await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `body of ${Key}` }));
    }
  });

  test('admin is the bootstrapped IAM user and can call STS GetCallerIdentity', async () => {
    const { accountId } = motoState();
    const me = await expectAllowed(admin.sts.send(new GetCallerIdentityCommand({})));
    expect(me.Account).toBe(accountId);
    expect(me.Arn).toBe(`arn:aws:iam::${accountId}:user/admin`);
  });

  test('a user without any policy is refused S3 ListBuckets and IAM ListUsers', async () => {
    const nobody = clientsFor(await createTestUser(uniqueName('nobody'), null));
    await expectDenied(nobody.s3.send(new ListBucketsCommand({})));
    await expectDenied(nobody.iam.send(new ListUsersCommand({})));
    // and the admin is allowed both (IAM enforcement distinguishes them)
    await expectAllowed(admin.s3.send(new ListBucketsCommand({})));
    await expectAllowed(admin.iam.send(new ListUsersCommand({})));
  });

  test('GetObject on B/alice/* reaches alice/x, not alice-evil/x nor bob/x', async () => {
    const alice = clientsFor(await createTestUser(uniqueName('alice'), policy(statement('s3:GetObject', arn('/alice/*')))));
    expect(await expectAllowed(bodyOf(alice.s3, bucket, 'alice/x'))).toBe('body of alice/x');
    await expectDenied(alice.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'alice-evil/x' })));
    await expectDenied(alice.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'bob/x' })));
    await expectDenied(alice.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'alice/new', Body: 'x' })));
  });

  test('patch a: encoded URLs verify (key "a b+c ü.txt", Prefix alice/ with Delimiter /)', async () => {
    const key = 'a b+c ü.txt';
    await expectAllowed(admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'odd key' })));
    expect(await expectAllowed(bodyOf(admin.s3, bucket, key))).toBe('odd key');

    const alice = await expectAllowed(admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'alice/', Delimiter: '/' })));
    expect(keysOf(alice)).toEqual(['alice/x']);

    const top = await expectAllowed(admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' })));
    expect((top.CommonPrefixes ?? []).map((p) => p.Prefix).sort()).toEqual(['alice-evil/', 'alice/', 'bob/']);
    expect(keysOf(top)).toEqual([key]);

    const odd = await expectAllowed(admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'a b+c ü' })));
    expect(keysOf(odd)).toEqual([key]);
  });

  test('patch b: ListServiceSpecificCredentials and (Put|Delete)UserPermissionsBoundary do not 500', async () => {
    const user = await createTestUser(uniqueName('boundary'), null);
    const listed = await expectAllowed(admin.iam.send(new ListServiceSpecificCredentialsCommand({ UserName: user.userName })));
    expect(listed.ServiceSpecificCredentials ?? []).toEqual([]);
    await expectAllowed(
      admin.iam.send(
        new PutUserPermissionsBoundaryCommand({
          UserName: user.userName,
          PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        }),
      ),
    );
    await expectAllowed(admin.iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: user.userName })));
    // the stubs are still behind IAM enforcement, and still know which users exist
    await expectDenied(clientsFor(user).iam.send(new ListServiceSpecificCredentialsCommand({ UserName: user.userName })));
    await expect(admin.iam.send(new ListServiceSpecificCredentialsCommand({ UserName: uniqueName('ghost') }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });

  test('patch c: HeadBucket needs s3:ListBucket on the bucket (not s3:HeadBucket)', async () => {
    const lister = clientsFor(await createTestUser(uniqueName('lister'), policy(statement('s3:ListBucket', arn()))));
    await expectAllowed(lister.s3.send(new HeadBucketCommand({ Bucket: bucket })));
    const other = uniqueName('other');
    await admin.s3.send(new CreateBucketCommand({ Bucket: other }));
    await expectDenied(lister.s3.send(new HeadBucketCommand({ Bucket: other })));
    const getter = clientsFor(await createTestUser(uniqueName('getter'), policy(statement('s3:GetObject', arn('/*')))));
    await expectDenied(getter.s3.send(new HeadBucketCommand({ Bucket: bucket })));
  });

  test('patch h: DeleteUser answers DeleteConflict while the user still has anything attached, as IAM does', async () => {
    const UserName = uniqueName('owner');
    const iam = admin.iam;
    await iam.send(new CreateUserCommand({ UserName }));
    const GroupName = uniqueName('group');
    await iam.send(new CreateGroupCommand({ GroupName }));
    const { SerialNumber } = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: UserName }))).VirtualMFADevice!;
    const PolicyArn = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

    // each kind: [what it is, attach it, remove it], tried one at a time on an otherwise bare user
    const kinds: [string, () => Promise<unknown>, () => Promise<unknown>][] = [];
    const add = (what: string, attach: () => Promise<() => Promise<unknown>>) => {
      let remove: () => Promise<unknown> = async () => undefined;
      kinds.push([what, async () => (remove = await attach()), () => remove()]);
    };
    add('inline policy', async () => {
      await iam.send(
        new PutUserPolicyCommand({ UserName, PolicyName: 'p', PolicyDocument: JSON.stringify(policy(statement('s3:ListBucket', '*'))) }),
      );
      return () => iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: 'p' }));
    });
    add('attached managed policy', async () => {
      await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn }));
      return () => iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn }));
    });
    add('access key', async () => {
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
      return () => iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: AccessKey!.AccessKeyId }));
    });
    add('login profile', async () => {
      await iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Harness-Pa55word!' }));
      return () => iam.send(new DeleteLoginProfileCommand({ UserName }));
    });
    add('group membership', async () => {
      await iam.send(new AddUserToGroupCommand({ UserName, GroupName }));
      return () => iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName }));
    });
    add('MFA device', async () => {
      await iam.send(new EnableMFADeviceCommand({ UserName, SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
      return () => iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber }));
    });
    add('signing certificate', async () => {
      const { Certificate } = await iam.send(new UploadSigningCertificateCommand({ UserName, CertificateBody: TEST_CERTIFICATE }));
      return () => iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: Certificate!.CertificateId }));
    });
    add('SSH public key', async () => {
      const { SSHPublicKey } = await iam.send(new UploadSSHPublicKeyCommand({ UserName, SSHPublicKeyBody: TEST_SSH_KEY }));
      return () => iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId }));
    });

    const refusals: string[] = [];
    for (const [what, attach, remove] of kinds) {
      // only this one thing attached: DeleteUser must refuse, and the user must still exist
      await attach();
      const refused = await admin.iam.send(new DeleteUserCommand({ UserName })).then(
        () => 'deleted',
        (err: { name?: string }) => err.name,
      );
      refusals.push(`${what}: ${refused}`);
      if (refused === 'deleted') break;
      await expectAllowed(iam.send(new GetUserCommand({ UserName })));
      await remove();
    }
    expect(refusals).toEqual(kinds.map(([what]) => `${what}: DeleteConflictException`));
    // with everything removed, the same call succeeds
    await expectAllowed(iam.send(new DeleteUserCommand({ UserName })));
    await expect(iam.send(new GetUserCommand({ UserName }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  describe('patch f: s3:prefix conditions on ListBucket', () => {
    const list = (c: Clients, Prefix?: string) => c.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix }));

    test('Allow with StringLike s3:prefix ["alice/*"] allows Prefix=alice/ only', async () => {
      const user = clientsFor(
        await createTestUser(
          uniqueName('prefixed'),
          policy(statement('s3:ListBucket', arn(), { Condition: { StringLike: { 's3:prefix': ['alice/*'] } } })),
        ),
      );
      expect(keysOf(await expectAllowed(list(user, 'alice/')))).toEqual(['alice/x']);
      await expectDenied(list(user, 'bob/'));
      await expectDenied(list(user, 'alice-evil/'));
      await expectDenied(list(user));
    });

    test('StringEquals with "" matches a listing without prefix; a conditional Deny only denies when it matches', async () => {
      const user = clientsFor(
        await createTestUser(
          uniqueName('prefixeq'),
          policy(statement('s3:ListBucket', arn(), { Condition: { StringEquals: { 's3:prefix': ['', 'alice/', 'bob/'] } } }), {
            Effect: 'Deny',
            Action: 's3:ListBucket',
            Resource: arn(),
            Condition: { StringLike: { 's3:prefix': 'bob/*' } },
          }),
        ),
      );
      await expectAllowed(list(user));
      await expectAllowed(list(user, 'alice/'));
      await expectDenied(list(user, 'bob/')); // allowed by the StringEquals, denied by the Deny
      await expectDenied(list(user, 'alice-evil/')); // matches no Allow
    });
  });

  describe('role assumption', () => {
    const trust = (principal: string) =>
      JSON.stringify(policy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }));

    async function createRole(trustedPrincipal: string, rolePolicy: Record<string, unknown>): Promise<string> {
      const RoleName = uniqueName('role');
      const { Role } = await admin.iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust(trustedPrincipal) }));
      await admin.iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'role-policy', PolicyDocument: JSON.stringify(rolePolicy) }));
      return Role?.Arn ?? '';
    }

    async function assume(as: Credentials, RoleArn: string, sessionPolicy?: Record<string, unknown>): Promise<Clients> {
      const { Credentials: c } = await clientsFor(as).sts.send(
        new AssumeRoleCommand({
          RoleArn,
          RoleSessionName: 'harness',
          Policy: sessionPolicy && JSON.stringify(sessionPolicy),
        }),
      );
      return clientsFor({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });
    }

    const assumer = () => createTestUser(uniqueName('assumer'), policy(statement('sts:AssumeRole', '*')));
    const fullBucket = () => policy(statement('s3:*', [arn(), arn('/*')]));

    test('patch e: a role trusting the account (root ARN or bare id) is assumable by a user allowed sts:AssumeRole', async () => {
      const { accountId } = motoState();
      const user = await assumer();
      const noPolicy = await createTestUser(uniqueName('noassume'), null);
      for (const principal of [`arn:aws:iam::${accountId}:root`, accountId]) {
        const roleArn = await createRole(principal, fullBucket());
        const role = await expectAllowed(assume(user, roleArn));
        const me = await role.sts.send(new GetCallerIdentityCommand({}));
        expect(me.Arn).toMatch(/:assumed-role\/role-[^/]+\/harness$/);
        await expectDenied(assume(noPolicy, roleArn));
      }
      // another account's root does not trust this account's users
      await expectDenied(assume(user, await createRole('arn:aws:iam::111122223333:root', fullBucket())));
    });

    test('patch d: an AssumeRole session policy limits the role (s3:* on B) to what it allows', async () => {
      const user = await assumer();
      const roleArn = await createRole(user.arn, fullBucket());

      const unrestricted = await assume(user, roleArn);
      expect(await expectAllowed(bodyOf(unrestricted.s3, bucket, 'bob/x'))).toBe('body of bob/x');
      await expectAllowed(unrestricted.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'alice/by-role', Body: 'x' })));

      const limited = await assume(user, roleArn, policy(statement('s3:GetObject', arn('/alice/*'))));
      expect(await expectAllowed(bodyOf(limited.s3, bucket, 'alice/x'))).toBe('body of alice/x');
      await expectDenied(limited.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'bob/x' })));
      await expectDenied(limited.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'alice/y', Body: 'x' })));
      await expectDenied(limited.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'alice/' })));

      const denying = await assume(
        user,
        roleArn,
        policy(statement('s3:*', arn('/*')), { Effect: 'Deny', Action: 's3:GetObject', Resource: arn('/bob/*') }),
      );
      await expectAllowed(bodyOf(denying.s3, bucket, 'alice/x'));
      await expectDenied(denying.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'bob/x' })));
    });
  });
});

test('the run has its own temporary folder (TMPDIR, set by the global setup before workers start)', () => {
  expect(path.basename(os.tmpdir())).toMatch(/^s3-share-test-run-/);
});

describeE2E('the moto launcher', () => {
  test('without IAM enforcement it takes any key, and stop() ends its process group', async () => {
    const server = await startMoto({ enforce: false });
    try {
      expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`);
      const s3 = new S3Client({
        endpoint: server.endpoint,
        region: REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: 'any', secretAccessKey: 'key' },
      });
      await expectAllowed(s3.send(new ListBucketsCommand({})));
      s3.destroy();
    } finally {
      await server.stop();
    }
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(() => process.kill(-server.pid, 0)).toThrow(); // nothing left in its process group
    await server.stop(); // idempotent
  });
});
