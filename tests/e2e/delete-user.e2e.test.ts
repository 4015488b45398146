// delete-user against moto with IAM enforcement: one call removes everything AWS would otherwise
// refuse DeleteUser for, reruns finish partial deletes, and --delete-objects empties exactly the
// user's folders.
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  ListRoleTagsCommand,
  CreateVirtualMFADeviceCommand,
  DeleteAccessKeyCommand,
  EnableMFADeviceCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  adminClients,
  clientsFor,
  createTestUser,
  describeE2E,
  motoState,
  runCli,
  uniqueName,
  type Clients,
  type Credentials,
} from '../support/e2e';

const policy = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const SSH_KEY =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDTmCq1fMo3ZbCEcZvq1d4vjN3Jx6nH3fKq2A6gXkpw9sQF4r2x5Xh0w1kqZ2KpzJm6j3VJvX8f2J2xY6d8o0dN2bT5S7YpQy9K2hN5b0gC6oJ3Q3yV4y9D7n0f2o6c5e8r1t3u5w7y9A1C3E5G7I9K1M3O5Q7S7U9W1Y3a5c7e9g1i3k5m7o9q1s3u5w7y9A1C3E5G7I9K1M3O5Q7S9U1W3Y5a7c9e1g3i5k7m9o1q3s5u7w9y1A3C5E7G9I1K3M5O7Q9S1U3W5Y7a9c1e3g5i7k9m1o3q5s7u9w1y3A5C7E9G1I3K5M7O9Q1S3U5W7Y9a1c3e5g7 test@example';

async function gone(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'exists';
  } catch (err) {
    return (err as Error).name;
  }
}

describeE2E('delete-user on moto', () => {
  let admin: Clients;
  beforeAll(() => {
    admin = adminClients();
  });

  /** A user with everything attached that moto can store. */
  async function loadedUser(): Promise<{ name: string; keys: Credentials[]; policyArn: string; group: string }> {
    const name = uniqueName('doomed');
    const user = await createTestUser(name, policy({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }));
    const { AccessKey } = await admin.iam.send(new CreateAccessKeyCommand({ UserName: name }));
    const keys = [user, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }];
    await admin.iam.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: 'second',
        PolicyDocument: policy({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }),
      }),
    );
    await admin.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    const { Policy } = await admin.iam.send(
      new CreatePolicyCommand({
        PolicyName: `s3-share.read-only.${name}`,
        Path: '/s3-share/',
        PolicyDocument: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::nowhere/x/*' }),
      }),
    );
    await admin.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: Policy!.Arn! }));
    await admin.iam.send(new CreateLoginProfileCommand({ UserName: name, Password: 'Correct-horse-battery-9' }));
    const group = uniqueName('grp');
    await admin.iam.send(new CreateGroupCommand({ GroupName: group }));
    await admin.iam.send(new AddUserToGroupCommand({ UserName: name, GroupName: group }));
    await admin.iam.send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: SSH_KEY }));
    const { VirtualMFADevice } = await admin.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
    await admin.iam.send(
      new EnableMFADeviceCommand({
        UserName: name,
        SerialNumber: VirtualMFADevice!.SerialNumber!,
        AuthenticationCode1: '123456',
        AuthenticationCode2: '654321',
      }),
    );
    return { name, keys, policyArn: Policy!.Arn!, group };
  }

  test('deletes a user with keys, policies, login profile, group, SSH key and MFA in one call', async () => {
    const u = await loadedUser();
    // the keys work before
    await clientsFor(u.keys[0]!).sts.send(new GetCallerIdentityCommand({}));

    const r = await runCli(['delete-user', u.name]);
    expect(r.stderr).toMatch(/deleted 1 of 1 user\(s\)/);
    expect(r.code).toBe(0);
    const types = (JSON.parse(r.stdout) as Array<{ Type: string }>).map((x) => x.Type);
    expect(types).toEqual([
      'access-key',
      'access-key',
      'inline-policy',
      'inline-policy',
      'managed-policy',
      'managed-policy',
      'policy',
      'login-profile',
      'mfa-device',
      'ssh-key',
      'group-membership',
      'user',
    ]);
    expect(await gone(admin.iam.send(new GetUserCommand({ UserName: u.name })))).toBe('NoSuchEntityException');
    for (const key of u.keys) {
      // refused as an unknown key (not, say, a network error or a throttle)
      await expect(clientsFor(key).sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: 'InvalidClientTokenId',
        $metadata: { httpStatusCode: 403 },
      });
    }
    expect(await gone(admin.iam.send(new GetPolicyCommand({ PolicyArn: u.policyArn })))).toBe('NoSuchEntityException');
    expect(await gone(admin.iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' })))).toBe(
      'exists',
    );
    expect(await gone(admin.iam.send(new GetGroupCommand({ GroupName: u.group })))).toBe('exists');
  });

  test('finishes a partial delete: keys removed by hand first', async () => {
    const u = await loadedUser();
    const { AccessKeyMetadata } = await admin.iam.send(new ListAccessKeysCommand({ UserName: u.name }));
    for (const k of AccessKeyMetadata ?? [])
      await admin.iam.send(new DeleteAccessKeyCommand({ UserName: u.name, AccessKeyId: k.AccessKeyId }));
    const r = await runCli(['delete-user', u.name, '--nl']);
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Type: string });
    expect(records.map((x) => x.Type)).not.toContain('access-key');
    expect(records.at(-1)).toEqual({ UserName: u.name, Type: 'user', Id: u.name });
    expect(await gone(admin.iam.send(new GetUserCommand({ UserName: u.name })))).toBe('NoSuchEntityException');
  });

  test('a missing user: exit 1, named on one line; another named user is still deleted', async () => {
    const ghost = uniqueName('ghost');
    const real = await createTestUser(uniqueName('real'), null);
    const r = await runCli(['delete-user', ghost, real.userName, '--silent']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${ghost}: user ${ghost} does not exist (NoSuchEntity)\n`);
    expect(r.stderr).toMatch(new RegExp(`error: 1 of 2 user\\(s\\) not deleted: ${ghost}`));
    expect(await gone(admin.iam.send(new GetUserCommand({ UserName: real.userName })))).toBe('NoSuchEntityException');
  });

  test('--dry-run lists everything and leaves it in place', async () => {
    const u = await loadedUser();
    const r = await runCli(['delete-user', u.name, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dry run/);
    expect(JSON.parse(r.stdout)).toHaveLength(12);
    expect(await gone(admin.iam.send(new GetUserCommand({ UserName: u.name })))).toBe('exists');
    expect(await gone(admin.iam.send(new GetPolicyCommand({ PolicyArn: u.policyArn })))).toBe('exists');
    await clientsFor(u.keys[1]!).sts.send(new GetCallerIdentityCommand({}));
  });

  test('removes the role made for a create --role user (trust pinned to the user)', async () => {
    const { accountId } = motoState();
    const name = uniqueName('roleuser');
    const role = uniqueName('share-role');
    const roleArn = `arn:aws:iam::${accountId}:role/${role}`;
    const user = await createTestUser(name, policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }));
    const trust = policy({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: 'sts:AssumeRole',
      Condition: { ArnEquals: { 'aws:PrincipalArn': user.arn } },
    });
    await admin.iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust }));
    await admin.iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: 'grant',
        PolicyDocument: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/x/*' }),
      }),
    );
    const r = await runCli(['delete-user', name, '--nl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`{"UserName":"${name}","Type":"role","Id":"${role}"}`);
    expect(await gone(admin.iam.send(new GetRoleCommand({ RoleName: role })))).toBe('NoSuchEntityException');
  });

  test('removes the role that a real `create --role` made, and keeps an unrelated role', async () => {
    const bucket = uniqueName('rolebkt');
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const name = uniqueName('roleuser');
    const role = uniqueName('made-role');
    const made = await runCli(['create', bucket, '--role', role, '--username', name, '--read-only', '--no-wait']);
    expect(made.code).toBe(0);
    const tags = (await admin.iam.send(new ListRoleTagsCommand({ RoleName: role }))).Tags;
    expect(tags).toEqual(expect.arrayContaining([{ Key: 's3-share:user', Value: name }]));
    const other = uniqueName('other-role');
    await admin.iam.send(
      new CreateRoleCommand({
        RoleName: other,
        AssumeRolePolicyDocument: policy({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${motoState().accountId}:root` },
          Action: 'sts:AssumeRole',
        }),
      }),
    );
    const r = await runCli(['delete-user', name, '--nl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`{"UserName":"${name}","Type":"role","Id":"${role}"}`);
    expect(await gone(admin.iam.send(new GetRoleCommand({ RoleName: role })))).toBe('NoSuchEntityException');
    expect(await gone(admin.iam.send(new GetUserCommand({ UserName: name })))).toBe('NoSuchEntityException');
    await expect(admin.iam.send(new GetRoleCommand({ RoleName: other }))).resolves.toMatchObject({ Role: { RoleName: other } });
  });

  describe('--delete-objects', () => {
    let bucket: string;
    const keysIn = async () =>
      ((await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key).sort();

    beforeAll(async () => {
      bucket = uniqueName('objs');
      await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });

    test('--yes deletes exactly the alice/ objects; alice-evil/x survives', async () => {
      for (const Key of ['alice/1', 'alice/sub/2', 'alice-evil/x', 'bob/y'])
        await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
      const name = uniqueName('alice');
      await createTestUser(
        name,
        policy(
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${bucket}/alice/*` },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
        ),
      );
      const r = await runCli(['delete-user', name, '--delete-objects', '--yes']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/and 2 object\(s\)/);
      expect(await keysIn()).toEqual(['alice-evil/x', 'bob/y']);
      expect(await gone(admin.iam.send(new GetUserCommand({ UserName: name })))).toBe('NoSuchEntityException');
    });

    test('without --yes off a terminal: usage error, exit 2', async () => {
      const name = uniqueName('alice');
      await createTestUser(name, null);
      const r = await runCli(['delete-user', name, '--delete-objects']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: --delete-objects needs confirmation and this is not a terminal: add --yes\n');
    });

    test('a whole-bucket user: refused, nothing deleted, the user is still there', async () => {
      await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'keep/me', Body: 'x' }));
      const name = uniqueName('whole');
      await createTestUser(name, policy({ Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${bucket}/*` }));
      const before = await keysIn();
      const r = await runCli(['delete-user', name, '--delete-objects', '--yes']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: --delete-objects refused, nothing was deleted: .*grants the whole bucket/m);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(await keysIn()).toEqual(before);
      expect(await gone(admin.iam.send(new GetUserCommand({ UserName: name })))).toBe('exists');
    });
  });
});
