// rotate-key through the CLI with mocked AWS: each path, each failure, dry-run, secrets.
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  IAMClient,
  ListGroupsForUserCommand,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeKey } from '../../../src/services/credentials/rotate-key';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYROTATEDKEY';

function rotate(args: string[], opts: { tty?: boolean } = {}) {
  return runCli(['rotate-key', ...args], { tty: { stderr: !!opts.tty } });
}

const OLD = { AccessKeyId: 'AKIAOLD', Status: 'Active' as const, CreateDate: new Date('2024-01-01T00:00:00Z') };
const OLDER = { AccessKeyId: 'AKIAOLDER', Status: 'Active' as const, CreateDate: new Date('2023-01-01T00:00:00Z') };

beforeEach(() => {
  iam.reset();
  // The users rotated here hold nothing but what s3-share gave them (nothing, by default).
  iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(ListGroupsForUserCommand).resolves({ Groups: [] });
  s3.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin' });
  iam
    .on(GetUserCommand)
    .resolves({ User: { UserName: 'alice', Arn: 'arn:aws:iam::123456789012:user/alice', UserId: 'x', Path: '/', CreateDate: new Date() } });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [OLD] });
  iam
    .on(GetAccessKeyLastUsedCommand)
    .resolves({ AccessKeyLastUsed: { LastUsedDate: new Date(Date.now() - 3 * 86_400_000), ServiceName: 's3', Region: 'us-east-1' } });
  iam.on(CreateAccessKeyCommand).resolves({
    AccessKey: {
      UserName: 'alice',
      AccessKeyId: 'AKIANEW',
      SecretAccessKey: SECRET,
      Status: 'Active',
      CreateDate: new Date('2025-01-01T00:00:00Z'),
    },
  });
});

/** The write calls, in order, as "Operation keyId[:Status]". */
const writes = () =>
  iam
    .calls()
    .map((c) => {
      const cmd = c.args[0] as { constructor: { name: string }; input: { AccessKeyId?: string; Status?: string } };
      const op = cmd.constructor.name.replace(/Command$/, '');
      return `${op}${cmd.input.AccessKeyId ? ` ${cmd.input.AccessKeyId}` : ''}${cmd.input.Status ? `:${cmd.input.Status}` : ''}`;
    })
    .filter((n) => !/^(Get|List)/.test(n));

describe('rotate-key', () => {
  it('creates a new key, prints it like create, then deletes the old key', async () => {
    const r = await rotate(['alice']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      UserName: 'alice',
      AccessKeyId: 'AKIANEW',
      SecretAccessKey: SECRET,
      Status: 'Active',
      CreateDate: '2025-01-01T00:00:00.000Z',
    });
    expect(writes()).toEqual(['CreateAccessKey', 'DeleteAccessKey AKIAOLD']);
    expect(r.stderr).toMatch(/delete the old access key AKIAOLD of user alice/);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('--keep-old deactivates the old key instead', async () => {
    const r = await rotate(['alice', '--keep-old']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['CreateAccessKey', 'UpdateAccessKey AKIAOLD:Inactive']);
  });

  it('--keep-old leaves an already inactive old key alone', async () => {
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ ...OLD, Status: 'Inactive' }] });
    const r = await rotate(['alice', '--keep-old']);
    expect(writes()).toEqual(['CreateAccessKey']);
    expect(r.stderr).toMatch(/inactive already/);
  });

  it('a user without keys gets one, and is told there was nothing to rotate', async () => {
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
    const r = await rotate(['alice']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['CreateAccessKey']);
    expect(r.stderr).toMatch(/has no access key: creating one \(nothing to rotate\)/);
  });

  it('2 keys: refused in one line naming the limit and both keys with age and last use; nothing changed', async () => {
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [OLD, OLDER] });
    const r = await rotate(['alice']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^error: user alice already has 2 access keys, the most AWS allows per user \(2\): AKIAOLDER \(Active, created \d+ days ago, last used 3 days ago\) and AKIAOLD \(.*\): add --delete-oldest/,
    );
    expect(writes()).toEqual([]);
  });

  it('2 keys with --delete-oldest: deletes the oldest first, then rotates the other', async () => {
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [OLD, OLDER] });
    const r = await rotate(['alice', '--delete-oldest']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['DeleteAccessKey AKIAOLDER', 'CreateAccessKey', 'DeleteAccessKey AKIAOLD']);
  });

  it('--delete-oldest prefers an inactive key, so the working one stays until its replacement exists', async () => {
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ ...OLD, Status: 'Inactive' }, OLDER] });
    const r = await rotate(['alice', '--delete-oldest', '--keep-old']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['DeleteAccessKey AKIAOLD', 'CreateAccessKey', 'UpdateAccessKey AKIAOLDER:Inactive']);
  });

  it('a missing user: exit 1, one line, nothing changed', async () => {
    iam.on(GetUserCommand).rejects(awsError('NoSuchEntityException', 404));
    const r = await rotate(['nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: user nobody does not exist (NoSuchEntity): check the name ('s3-share list-users'), or make it with 's3-share create'\n",
    );
    expect(writes()).toEqual([]);
  });

  it('--dry-run prints the plan and makes no write call', async () => {
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [OLD, OLDER] });
    const r = await rotate(['alice', '--delete-oldest', '--keep-old', '--dry-run', '--wait']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual([]);
    const plan = JSON.parse(r.stdout) as Array<{ operation: string; input: Record<string, unknown> }>;
    expect(plan.map((s) => s.operation)).toEqual([
      'DeleteAccessKey',
      'CreateAccessKey',
      'GetCallerIdentity',
      'DeliverCredentials',
      'UpdateAccessKey',
    ]);
    expect(plan[3]!.input).toEqual({ Target: 'stdout', Format: 'json' });
    expect(plan[4]!.input).toEqual({ UserName: 'alice', AccessKeyId: 'AKIAOLD', Status: 'Inactive' });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('failing to delete the old key rolls the new key back: exit 1, the old key kept, the printed key named as deleted', async () => {
    iam
      .on(DeleteAccessKeyCommand, { AccessKeyId: 'AKIAOLD' })
      .rejects(awsError('AccessDenied', 403, 'not authorized to perform: iam:DeleteAccessKey'));
    const r = await rotate(['alice']);
    expect(r.code).toBe(1);
    expect(writes()).toEqual(['CreateAccessKey', 'DeleteAccessKey AKIAOLD', 'DeleteAccessKey AKIANEW']);
    // The old key is touched only after the new one is delivered, so stdout holds it; the error names it deleted.
    expect(JSON.parse(r.stdout)).toMatchObject({ AccessKeyId: 'AKIANEW' });
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /delete the old access key AKIAOLD of user alice failed: access denied.*iam:DeleteAccessKey.*rolled back: delete the new access key AKIANEW/,
    );
    expect(r.stderr).not.toContain(SECRET);
  });

  it('failing to deactivate the old key (--keep-old) rolls the new key back', async () => {
    iam.on(UpdateAccessKeyCommand).rejects(awsError('ThrottlingException', 400));
    const r = await rotate(['alice', '--keep-old']);
    expect(r.code).toBe(1);
    expect(writes()).toEqual(['CreateAccessKey', 'UpdateAccessKey AKIAOLD:Inactive', 'DeleteAccessKey AKIANEW']);
  });

  it('a rollback that fails too names the key left behind', async () => {
    iam.on(DeleteAccessKeyCommand).rejects(awsError('AccessDenied', 403, 'not authorized to perform: iam:DeleteAccessKey'));
    const r = await rotate(['alice']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/COULD NOT delete the new access key AKIANEW of user alice: do that yourself/);
  });

  it('failing to create the new key leaves the old one untouched', async () => {
    iam.on(CreateAccessKeyCommand).rejects(awsError('LimitExceededException', 409));
    const r = await rotate(['alice']);
    expect(r.code).toBe(1);
    expect(writes()).toEqual(['CreateAccessKey']);
    expect(r.stderr).toMatch(/nothing had been created/);
  });

  it('--wait: the new key is probed and works before the old key is deleted', async () => {
    const order: string[] = [];
    let calls = 0;
    // The first call asks who runs s3-share; the next ones are the new key's probes.
    sts
      .on(GetCallerIdentityCommand)
      .callsFake(() =>
        calls++ === 0
          ? { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin' }
          : (order.push('probe'), { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' }),
      );
    iam.on(DeleteAccessKeyCommand).callsFake(() => (order.push('delete'), {}));
    const r = await rotate(['alice'], { tty: true });
    expect(r.code).toBe(0);
    expect(order).toEqual(['probe', 'delete']);
    expect(r.stderr).toMatch(/waiting until the new key works[\s\S]*the new key works[\s\S]*delete the old access key/);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('--wait: a key that never works is rolled back and the old key kept', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolvesOnce({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin' })
      .rejects(awsError('InvalidClientTokenId', 403));
    const r = await rotate(['alice', '--wait', '--wait-timeout', '1']);
    expect(r.code).toBe(1);
    expect(writes()).toEqual(['CreateAccessKey', 'DeleteAccessKey AKIANEW']);
    expect(r.stderr).toMatch(/the new key did not work within 1 s .*the old key is unchanged/);
  }, 10_000);

  it('--output reserves the file first and removes it when the rotation fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rot-'));
    const file = path.join(dir, 'k.json');
    const ok = await rotate(['alice', '--output', file, '--format', 'env']);
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain(`AWS_SECRET_ACCESS_KEY='${SECRET}'`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    iam.resetHistory();
    const again = await rotate(['alice', '--output', file]);
    expect(again.code).toBe(2);
    expect(writes()).toEqual([]);
    iam.on(DeleteAccessKeyCommand, { AccessKeyId: 'AKIAOLD' }).rejects(awsError('AccessDenied', 403));
    const failed = await rotate(['alice', '--output', path.join(dir, 'new.json')]);
    expect(failed.code).toBe(1);
    expect(fs.existsSync(path.join(dir, 'new.json'))).toBe(false);
  });

  it('--silent prints nothing but the error', async () => {
    const ok = await rotate(['alice', '--silent']);
    expect(ok.stderr).toBe('');
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [OLD, OLDER] });
    const refused = await rotate(['alice', '--silent']);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([[['bad name']], [['alice', '--format', 'xml']], [['alice', '--wait-timeout', '0']], [[]]])(
    '%j is a usage error: exit 2, no AWS call',
    async (args) => {
      const r = await rotate(args);
      expect(r.code).toBe(2);
      expect(iam.calls()).toHaveLength(0);
    },
  );
});

describe('describeKey', () => {
  it('says status, age and last use', () => {
    const now = new Date('2024-01-11T00:00:00Z');
    expect(describeKey(OLD, undefined, now)).toBe('AKIAOLD (Active, created 10 days ago, never used)');
    expect(describeKey(OLD, new Date('2024-01-10T00:00:00Z'), now)).toBe('AKIAOLD (Active, created 10 days ago, last used 1 day ago)');
  });
});
