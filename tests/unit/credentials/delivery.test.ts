// Delivery is a step of the plan: a failed delivery rolls back what create made, and rotate-key
// retires the old key only once the new secret is flushed where the user asked.
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListGroupsForUserCommand,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { OperationError } from '../../../src/errors';
import type { Delivery } from '../../../src/output/credentials';
import { planRotate } from '../../../src/services/credentials/rotate-key';
import { executePlan } from '../../../src/services/plan';
import { fakeIo } from '../support/fake-io';
import { awsError } from '../support/aws-error';
import { CREDS, create, runCli } from '../support/run-cli';
import { createReporter } from '../../../src/output/reporter';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYDELIVERKEY';
const PASSWORD_RE = /Password: +(\S+)/;
const dir = mkdtempSync(join(tmpdir(), 's3share-deliver-'));
const OLD = { AccessKeyId: 'AKIAOLD', Status: 'Active' as const, CreateDate: new Date('2024-01-01T00:00:00Z') };

beforeEach(() => {
  iam.reset();
  // The users rotated here hold nothing but what s3-share gave them (nothing, by default).
  iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(ListGroupsForUserCommand).resolves({ Groups: [] });
  s3.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin', UserId: 'AID' });
  s3.on(HeadBucketCommand).resolves({});
  iam.on(GetAccountPasswordPolicyCommand).rejects(awsError('NoSuchEntityException', 404));
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [OLD] });
  iam.on(CreateAccessKeyCommand).resolves({
    AccessKey: { UserName: 'alice', AccessKeyId: 'AKIANEW', SecretAccessKey: SECRET, Status: 'Active' },
  });
});

const newUser = () => iam.on(GetUserCommand).rejects(awsError('NoSuchEntityException', 404));
const existingAlice = () =>
  iam
    .on(GetUserCommand)
    .resolves({ User: { UserName: 'alice', Arn: 'arn:aws:iam::123456789012:user/alice', UserId: 'x', Path: '/', CreateDate: new Date() } });

/** The IAM calls that change something, in order. */
const writes = () =>
  iam
    .calls()
    .map((c) => {
      const cmd = c.args[0] as { constructor: { name: string }; input: { AccessKeyId?: string } };
      return `${cmd.constructor.name.replace(/Command$/, '')}${cmd.input.AccessKeyId ? ` ${cmd.input.AccessKeyId}` : ''}`;
    })
    .filter((n) => !/^(Get|List)/.test(n));

/** Runs the CLI with a stdout whose reader has gone: every write fails with EPIPE. */
async function withClosedStdout(args: string[]) {
  const f = fakeIo({ ...CREDS });
  f.io.stdout = new Writable({
    write(_chunk, _enc, cb) {
      cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    },
  });
  const { main } = await import('../../../src/cli');
  const code = await main(args, f.io);
  await new Promise((r) => setImmediate(r));
  return { code, stderr: f.err() };
}

describe('create: every secret it makes is delivered, or nothing is made', () => {
  it('--console with --format ini or env is refused with exit 2 before any AWS call', async () => {
    newUser();
    for (const format of ['ini', 'env']) {
      const r = await create(['photos', '--console', '--format', format]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: --format ${format} cannot hold the console password, .*use --format json, csv, text`));
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(iam.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });

  it('a closed stdout (EPIPE) fails the delivery step, and the user, policy and key are rolled back: exit 1, one line', async () => {
    newUser();
    const r = await withClosedStdout(['create', 'photos', '--username', 'alice', '--no-wait']);
    expect(r.code).toBe(1);
    expect(writes()).toEqual(
      ['CreateUser', 'PutUserPolicy', 'CreateAccessKey'].concat(['DeleteAccessKey AKIANEW', 'DeleteUserPolicy', 'DeleteUser']),
    );
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^error: print the credentials on stdout \(json\) failed: cannot print the credentials on stdout \(EPIPE\).*rolled back: delete access key AKIANEW/,
      ),
    ]);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('--dry-run names the delivery target in the plan, creates no file, and holds no secret', async () => {
    newUser();
    const file = join(dir, 'dry.txt');
    const r = await create(['photos', '--console', '--format', 'text', '--output', file, '--dry-run']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Array<{ operation: string; service: string; input: Record<string, unknown> }>;
    expect(plan.at(-1)).toEqual(
      expect.objectContaining({ service: 'local', operation: 'DeliverCredentials', input: { Target: file, Format: 'text', Mode: '0600' } }),
    );
    expect(existsSync(file)).toBe(false);
  });

  it('--format text for a prefix user with --console: the password, the folder link and the keys, in a 0600 file', async () => {
    newUser();
    const file = join(dir, 'alice.txt');
    const r = await create([
      'photos',
      '--prefix',
      'alice 2024/',
      '--username',
      'alice',
      '--console',
      '--format',
      'text',
      '--output',
      file,
      '--no-wait',
    ]);
    expect(r.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const password = PASSWORD_RE.exec(text)?.[1];
    expect(password).toMatch(/^.{20,}$/);
    expect(text).toContain('https://s3.console.aws.amazon.com/s3/buckets/photos?prefix=alice%202024/');
    expect(text).toContain(SECRET);
    expect(text).toContain('https://123456789012.signin.aws.amazon.com/console');
    expect(r.stdout + r.stderr).not.toContain(password!);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

describe('rotate-key: the old key is retired only after the new secret is delivered', () => {
  beforeEach(existingAlice);

  it('with --output, the file holds the new secret (flushed) when the old key is deleted', async () => {
    const file = join(dir, 'rotated.json');
    let atDelete: string | undefined;
    iam.on(DeleteAccessKeyCommand, { AccessKeyId: 'AKIAOLD' }).callsFake(() => {
      atDelete = readFileSync(file, 'utf8');
      return {};
    });
    const r = await runCli(['rotate-key', 'alice', '--output', file, '--no-wait']);
    expect(r.code).toBe(0);
    expect(JSON.parse(atDelete!)).toMatchObject({ AccessKeyId: 'AKIANEW', SecretAccessKey: SECRET });
  });

  it('a closed stdout (EPIPE): the new key is deleted, the old one is neither deleted nor deactivated: exit 1', async () => {
    for (const extra of [[], ['--keep-old']]) {
      iam.resetHistory();
      const r = await withClosedStdout(['rotate-key', 'alice', '--no-wait', ...extra]);
      expect(r.code).toBe(1);
      expect(writes()).toEqual(['CreateAccessKey', 'DeleteAccessKey AKIANEW']);
      expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
      expect(r.stderr).toMatch(/cannot print the credentials on stdout \(EPIPE\).*rolled back: delete the new access key AKIANEW/);
      expect(r.stderr).not.toContain(SECRET);
    }
  });

  it('a full disk (a writer failing with ENOSPC) rolls back the new key and keeps the old one', async () => {
    const delivery: Delivery = {
      target: { Target: '/full/alice.json', Format: 'json', Mode: '0600' },
      deliver: () => Promise.reject(new OperationError('cannot write the credentials to /full/alice.json (ENOSPC): free some space')),
      discard: async () => {},
    };
    const f = fakeIo();
    const reporter = createReporter(f.io.stderr);
    const plan = await planRotate(
      new IAMClient({ region: 'us-east-1' }),
      { userName: 'alice', keepOld: false, deleteOldest: false, delivery },
      reporter,
    );
    await expect(executePlan(plan, { reporter })).rejects.toThrow(/\(ENOSPC\).*rolled back: delete the new access key AKIANEW/);
    expect(writes()).toEqual(['CreateAccessKey', 'DeleteAccessKey AKIANEW']);
  });
});
