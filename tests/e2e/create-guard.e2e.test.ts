// create and rotate-key check, against moto, what a key could do before they print it (#14): an
// administrator is refused and left exactly as it was (read back with a separate admin client), a
// group-attached grant on another bucket is named, --allow-excess passes (and the key then really
// reaches that bucket, so the refusal was not a false alarm), the identity running s3-share never
// gets a key, and what s3-share makes carries its tags.
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListRoleTagsCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
} from '@aws-sdk/client-iam';
import { execFileSync } from 'node:child_process';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { REGION } from '../support/moto';
import {
  adminClients,
  clientsFor,
  createTestUser,
  describeE2E,
  expectAllowed,
  expectDenied,
  motoState,
  runCli,
  uniqueName,
  type Clients,
} from '../support/e2e';

interface Printed {
  UserName: string;
  AccessKeyId: string;
  SecretAccessKey: string;
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));

describeE2E('create and rotate-key check a key before printing it, on moto', () => {
  let admin: Clients;
  let bucket: string;
  let partner: string;

  /** Everything about a user that create must not change: keys, policies, groups, boundary, tags. */
  async function snapshot(userName: string) {
    const { iam } = admin;
    const [keys, inline, attached, groups, user, tags] = await Promise.all([
      iam.send(new ListAccessKeysCommand({ UserName: userName })),
      iam.send(new ListUserPoliciesCommand({ UserName: userName })),
      iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName })),
      iam.send(new ListGroupsForUserCommand({ UserName: userName })),
      iam.send(new GetUserCommand({ UserName: userName })),
      iam.send(new ListUserTagsCommand({ UserName: userName })),
    ]);
    return {
      keys: (keys.AccessKeyMetadata ?? []).map((k) => `${k.AccessKeyId}:${k.Status}`).sort(),
      inline: [...(inline.PolicyNames ?? [])].sort(),
      attached: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn).sort(),
      groups: (groups.Groups ?? []).map((g) => g.GroupName).sort(),
      boundary: user.User?.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
      tags: (tags.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort(),
    };
  }

  /**
   * The same facts read by boto3, a second client in another language (the issue asks for it): if
   * the SDK client and s3-share shared a misreading, boto3 would not.
   */
  function botoSnapshot(userName: string): unknown {
    const { endpoint, admin: creds } = motoState();
    const script = `
import boto3, json, sys
iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name=sys.argv[2])
u = sys.argv[3]
print(json.dumps({
  'keys': sorted(k['AccessKeyId'] + ':' + k['Status'] for k in iam.list_access_keys(UserName=u)['AccessKeyMetadata']),
  'inline': sorted(iam.list_user_policies(UserName=u)['PolicyNames']),
  'attached': sorted(p['PolicyArn'] for p in iam.list_attached_user_policies(UserName=u)['AttachedPolicies']),
  'groups': sorted(g['GroupName'] for g in iam.list_groups_for_user(UserName=u)['Groups']),
  'boundary': iam.get_user(UserName=u)['User'].get('PermissionsBoundary', {}).get('PermissionsBoundaryArn'),
  'tags': sorted(t['Key'] + '=' + t['Value'] for t in iam.list_user_tags(UserName=u)['Tags']),
}))
`;
    const out = execFileSync('python3', ['-c', script, endpoint, REGION, userName], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      },
      encoding: 'utf8',
    });
    return JSON.parse(out) as unknown;
  }

  /** A group holding a managed policy that grants s3:GetObject on the partner bucket. */
  async function partnerGroup(userName: string): Promise<string> {
    const group = uniqueName('partners');
    const { Policy } = await admin.iam.send(
      new CreatePolicyCommand({
        PolicyName: uniqueName('partner-read'),
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${partner}/*` }],
        }),
      }),
    );
    await admin.iam.send(new CreateGroupCommand({ GroupName: group }));
    await admin.iam.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: Policy!.Arn! }));
    await admin.iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: userName }));
    return group;
  }

  const read = (c: Clients, b: string) => c.s3.send(new GetObjectCommand({ Bucket: b, Key: 'a.txt' }));
  const keyOf = (p: Printed) => clientsFor({ accessKeyId: p.AccessKeyId, secretAccessKey: p.SecretAccessKey });

  beforeAll(async () => {
    admin = adminClients();
    bucket = uniqueName('guard');
    partner = uniqueName('partner');
    for (const b of [bucket, partner]) {
      await admin.s3.send(new CreateBucketCommand({ Bucket: b }));
      await admin.s3.send(new PutObjectCommand({ Bucket: b, Key: 'a.txt', Body: 'x' }));
    }
  });

  test('an administrator made outside s3-share: refused without and with --reuse-user, and nothing about it changes', async () => {
    const name = uniqueName('admin');
    await admin.iam.send(new CreateUserCommand({ UserName: name }));
    await admin.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    await admin.iam.send(new CreateAccessKeyCommand({ UserName: name }));
    const before = await snapshot(name);
    const botoBefore = botoSnapshot(name);
    expect(botoBefore).toMatchObject({
      keys: [expect.stringMatching(/:Active$/)],
      attached: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    });

    const plain = await runCli(['create', bucket, '--read-only', '--username', name]);
    expect(plain.code).toBe(2);
    expect(errorLines(plain.stderr)).toEqual([
      `error: user ${name} exists and was not made by s3-share: add --reuse-user to give it this grant and a new key (its other policies and its boundary stay as they are), or choose another --username`,
    ]);

    const reused = await runCli(['create', bucket, '--read-only', '--username', name, '--reuse-user']);
    expect(reused.code).toBe(1);
    const lines = errorLines(reused.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^error: user ${name} could do more than this grant, so no key was issued and nothing was changed: iam:`),
    );
    expect(lines[0]).toContain(`allowed by user ${name} managed AdministratorAccess`);
    expect(reused.stdout).toBe('');

    expect(await snapshot(name)).toEqual(before);
    expect(botoSnapshot(name)).toEqual(botoBefore);
  });

  test('a group-attached policy on another bucket: refused naming it; --allow-excess passes, and that key does reach it', async () => {
    const name = uniqueName('grouped');
    const first = await runCli(['create', bucket, '--read-only', '--username', name, '--no-wait', '--silent']);
    expect(first.code).toBe(0);
    const group = await partnerGroup(name);
    const before = await snapshot(name);

    const r = await runCli(['create', bucket, '--read-only', '--username', name, '--no-wait']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(errorLines(r.stderr)[0]).toMatch(new RegExp(`s3:GetObject on arn:aws:s3:::${partner}/.*allowed by group ${group} managed`));
    expect(await snapshot(name)).toEqual(before);

    const forced = await runCli(['create', bucket, '--read-only', '--username', name, '--no-wait', '--allow-excess']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/warning: user .* can do more than this grant \(--allow-excess\)/);
    const key = keyOf(JSON.parse(forced.stdout) as Printed);
    await expectAllowed(read(key, bucket));
    await expectAllowed(read(key, partner)); // the excess the check named is real
  });

  test('rotate-key refuses a user that can do more than its s3-share grant, and keeps its key', async () => {
    const name = uniqueName('rotgrp');
    const made = await runCli(['create', bucket, '--read-only', '--username', name, '--no-wait', '--silent']);
    expect(made.code).toBe(0);
    const printed = JSON.parse(made.stdout) as Printed;
    const key = keyOf(printed);
    const clean = await runCli(['rotate-key', name, '--no-wait', '--dry-run']);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain(`checked: user ${name} can do nothing beyond this grant`);

    await partnerGroup(name);
    const before = await snapshot(name);
    const r = await runCli(['rotate-key', name, '--no-wait']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(new RegExp(`^error: user ${name} could do more than this grant.*arn:aws:s3:::${partner}/`));
    expect(await snapshot(name)).toEqual(before);
    await expectAllowed(read(key, bucket)); // the old key still works
  });

  test('the identity running s3-share: create, rotate-key and delete-user refuse it (exit 2), and it keeps its key', async () => {
    const self = await createTestUser(uniqueName('self'), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    const before = await snapshot(self.userName);
    const asSelf = { creds: self };
    for (const args of [
      ['create', bucket, '--read-only', '--username', self.userName, '--reuse-user', '--allow-excess'],
      ['rotate-key', self.userName, '--allow-excess'],
      ['delete-user', self.userName],
    ]) {
      const r = await runCli(args, asSelf);
      expect([args[0], r.code]).toEqual([args[0], 2]);
      expect(errorLines(r.stderr)).toHaveLength(1);
      expect(errorLines(r.stderr)[0]).toContain(`user ${self.userName} is the identity running s3-share`);
    }
    expect(await snapshot(self.userName)).toEqual(before);
    await expectAllowed(read(clientsFor(self), bucket));
  });

  test('what create makes is tagged: the user, the --role role, and the new key reaches only the grant', async () => {
    const name = uniqueName('tagged');
    const role = uniqueName('tagged-role');
    const r = await runCli(['create', bucket, '--read-only', '--username', name, '--role', role, '--no-wait']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`checked: role ${role} can do nothing beyond this grant`);
    expect(r.stderr).toContain(`checked: user ${name} can do nothing beyond this grant`);
    const tagsOf = (tags: Array<{ Key?: string; Value?: string }> | undefined) =>
      Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
    const userTags = tagsOf((await admin.iam.send(new ListUserTagsCommand({ UserName: name }))).Tags);
    const roleTags = tagsOf((await admin.iam.send(new ListRoleTagsCommand({ RoleName: role }))).Tags);
    for (const tags of [userTags, roleTags]) {
      expect(tags['s3-share:made-by']).toMatch(/^s3-share\/\d+\.\d+\.\d+/);
      expect(tags['s3-share:created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(tags['s3-share:grant']).toBe(`read-only ${bucket}`);
    }
    expect(roleTags['s3-share:user']).toBe(name);
    // The barren user itself reaches nothing.
    await expectDenied(read(keyOf(JSON.parse(r.stdout) as Printed), bucket));
  });
});
