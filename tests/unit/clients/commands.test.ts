import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  PutUserPolicyCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, CREDS } from '../support/run-cli';
import { fakeIo } from '../support/fake-io';
import { runPlanCommand } from '../../../src/commands/plan';

const dir = mkdtempSync(join(tmpdir(), 's3share-clients-unit-'));
const list = join(dir, 'clients.csv');
writeFileSync(list, 'username,bucket,prefix,access,console,expires\nalice,photos,alice,read-only,no,\nbob,photos,bob,read-write,no,\n');

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);

beforeEach(() => {
  iam.reset();
  sts.reset();
  iam.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [] });
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin', UserId: 'X' });
});

describe('plan and apply on the command line', () => {
  test('usage errors, before any AWS call', async () => {
    const both = await runCli(['plan', list, '--nl', '--json']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('error: --nl and --json conflict: pick one output format\n');
    const ini = await runCli(['apply', list, '--format', 'ini']);
    expect(ini.code).toBe(2);
    expect(ini.stderr).toMatch(/^error: --format ini needs --keys-dir/);
    const twice = await runCli(['apply', list, '--rate', '5', '--rate', '6']);
    expect(twice.code).toBe(2);
    const missing = await runCli(['plan', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read client list .*nope\.csv \(ENOENT\)/);
    expect(iam.calls()).toHaveLength(0);
  });

  test('plan: a human summary on a terminal, records otherwise', async () => {
    const f = fakeIo(CREDS);
    (f.io.stdout as { isTTY?: boolean }).isTTY = true;
    await runPlanCommand(list, { concurrency: 4 }, f.io);
    expect(f.out()).toBe(
      'create      alice\ncreate      bob\n2 to create, 0 to update, 0 to re-key, 0 to delete, 0 unchanged (2 changes)\n',
    );
    const piped = await runCli(['plan', list]);
    expect(JSON.parse(piped.stdout)).toEqual([
      { UserName: 'alice', Action: 'create', Line: 2, Changes: [] },
      { UserName: 'bob', Action: 'create', Line: 3, Changes: [] },
    ]);
  });

  test('apply without --keys-dir prints one NDJSON line per new key, and the secret nowhere else', async () => {
    let n = 0;
    iam.on(CreateUserCommand).resolves({});
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(UntagUserCommand).resolves({});
    iam.on(CreateAccessKeyCommand).callsFake(async ({ UserName }) => ({
      AccessKey: { UserName, AccessKeyId: `AKIA${++n}`, SecretAccessKey: `secret-of-${UserName}`, Status: 'Active' },
    }));
    const r = await runCli(['apply', list, '--rate', '1000']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.UserName, l.SecretAccessKey]).sort()).toEqual([
      ['alice', 'secret-of-alice'],
      ['bob', 'secret-of-bob'],
    ]);
    expect(r.stderr).not.toMatch(/secret-of/);
    expect(r.stderr).toMatch(/\n2 changes\n$/);
    // Each user is created pending, and the mark comes off after its key is printed.
    const created = iam.commandCalls(CreateUserCommand).map((c) => c.args[0].input);
    expect(created.map((c) => c.Tags?.find((t) => t.Key === 's3-share:pending')?.Value)).toEqual(['key', 'key']);
    expect(iam.commandCalls(UntagUserCommand).map((c) => c.args[0].input.TagKeys)).toEqual([['s3-share:pending'], ['s3-share:pending']]);
  });
});
