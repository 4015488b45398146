import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../support/fake-io';
import { CREDS } from '../support/run-cli';

const stsMock = mockClient(STSClient);
const iamMock = mockClient(IAMClient);

beforeEach(() => {
  stsMock.reset();
  iamMock.reset();
});

/** The program with the test credentials in its environment, or with the environment given. */
const cli = (args: string[], env: Record<string, string> = CREDS) => runMain(args, { env });

describe('command line', () => {
  it('prints the version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('lists every command in --help, and loads each by its own name', async () => {
    const help = await cli(['--help']);
    const listed = [...help.stdout.matchAll(/^  ([a-z-]+) /gm)].map((m) => m[1]).filter((n) => n !== 'help');
    expect(listed).toHaveLength(32);
    for (const command of listed) {
      const r = await cli([command!, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: s3-share ${command}`);
    }
  });

  it('has help with examples for every command', async () => {
    for (const command of ['whoami', 'list-users', 'list-buckets', 'list-user-policies', 'create', 'assume-and-sync', 'share']) {
      const r = await cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: s3-share ${command}`);
      expect(r.stdout).toContain('Examples:');
    }
  });

  it.each([
    [['frob'], /^error: unknown command 'frob' \(see 's3-share --help'\)\n$/],
    [['list-users', '--bogus'], /^error: unknown option '--bogus' \(see 's3-share list-users --help'\)\n$/],
    [['whoami', 'extra'], /^error: too many arguments for 'whoami'.*\(see 's3-share whoami --help'\)\n$/],
    [['list-users', '--nl', '--csv'], /^error: --nl and --csv conflict: pick one output format\n$/],
    [['list-user-policies', '--concurrency', '0'], /^error: --concurrency must be a whole number from 1 to 64, not '0'\n$/],
    [['whoami', '--access-key', 'AKIA'], /^error: --access-key and --secret-key must be given together/],
    [['whoami', '--endpoint-url', 'nope'], /^error: --endpoint-url nope is not a URL/],
  ])('%j is a usage error: exit 2, one line', async (args, pattern) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(pattern as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('with no command shows help and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: s3-share');
  });
});

describe('whoami', () => {
  it('prints the identity as JSON', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ UserId: 'AID', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/me' });
    const r = await cli(['whoami']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ UserId: 'AID', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/me' });
    expect(r.stderr).toBe('');
  });

  it('reports AccessDenied on one line, exit 1, naming the action', async () => {
    stsMock
      .on(GetCallerIdentityCommand)
      .rejects(
        Object.assign(new Error('User: x is not authorized to perform: sts:GetCallerIdentity'), { name: 'AccessDenied', $metadata: {} }),
      );
    const r = await cli(['whoami']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: access denied: these credentials may not call sts:GetCallerIdentity (AccessDenied): use credentials whose policy allows sts:GetCallerIdentity\n',
    );
  });

  it('warns about --secret-key, but not with --silent, and never prints the secret', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ UserId: 'AID', Account: '1', Arn: 'a' });
    const loud = await cli(['whoami', '--access-key', 'AKIAX', '--secret-key', 'flag-secret-123'], {});
    expect(loud.code).toBe(0);
    expect(loud.stderr).toMatch(/^warning: --secret-key on the command line is visible/);
    expect(loud.stderr).not.toContain('flag-secret-123');
    const quiet = await cli(['whoami', '--access-key', 'AKIAX', '--secret-key', 'flag-secret-123', '--silent'], {});
    expect(quiet.stderr).toBe('');
  });

  it('reports an unexpected failure on one line without a stack trace', async () => {
    stsMock.on(GetCallerIdentityCommand).rejects(new TypeError('boom'));
    const r = await cli(['whoami']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: boom: this is unexpected/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('list-users', () => {
  beforeEach(() => {
    iamMock.on(ListUsersCommand).resolves({
      Users: [
        { UserName: 'alice', UserId: 'A1', Arn: 'arn:alice', Path: '/', CreateDate: new Date('2024-05-01T00:00:00Z') },
        { UserName: 'bob', UserId: 'B1', Arn: 'arn:bob', Path: '/', CreateDate: new Date('2024-05-02T00:00:00Z') },
      ],
    });
  });

  it('prints a JSON array by default and with --array', async () => {
    for (const args of [['list-users'], ['list-users', '--array']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).map((u: { UserName: string }) => u.UserName)).toEqual(['alice', 'bob']);
    }
  });

  it('prints NDJSON, CSV and TSV', async () => {
    expect(
      (await cli(['list-users', '--nl'])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).UserName),
    ).toEqual(['alice', 'bob']);
    const csv = (await cli(['list-users', '--csv'])).stdout.split('\n');
    expect(csv[0]).toBe('UserName,UserId,Arn,Path,CreateDate,PasswordLastUsed,PermissionsBoundary');
    expect(csv[1]).toBe('alice,A1,arn:alice,/,2024-05-01T00:00:00.000Z,,');
    expect((await cli(['list-users', '--tsv'])).stdout.split('\n')[2]).toBe('bob\tB1\tarn:bob\t/\t2024-05-02T00:00:00.000Z\t\t');
  });
});

describe('errors say what happened, on one line', () => {
  it('escapes a newline or escape sequence in a file name in the error line', async () => {
    const r = await cli(['whoami', '--auth', '/tmp/no\nsuch\x1b[31m.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: cannot read --auth file /tmp/no\\nsuch\\x1b[31m.json (ENOENT): check the path\n');
  });

  it('refuses a malformed region before any AWS call: exit 2, one line', async () => {
    const r = await cli(['whoami', '--region', 'not a region!']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: --region 'not a region!' is not an AWS region name: give one such as us-east-1 or eu-west-3\n");
    expect(stsMock.calls()).toHaveLength(0);
  });

  it('names a missing profile and the files searched: exit 2, no AWS call', async () => {
    const r = await cli(['whoami', '--profile', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: profile 'nope' \(--profile\) is not in \/nonexistent\/config or \/nonexistent\/creds: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(stsMock.calls()).toHaveLength(0);
  });

  it('says in one line that environment keys are ignored for a profile, and nothing with --silent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3share-cli-'));
    const config = join(dir, 'config');
    writeFileSync(
      config,
      '[profile client]\nregion = eu-west-1\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n',
    );
    stsMock.on(GetCallerIdentityCommand).resolves({ UserId: 'AID', Account: '1', Arn: 'a' });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const env = { ...CREDS, AWS_CONFIG_FILE: config };
      const loud = await cli(['whoami', '--profile', 'client'], env);
      expect(loud.code).toBe(0);
      expect(loud.stderr).toBe(
        'warning: using profile client (--profile); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are ignored\n',
      );
      const quiet = await cli(['whoami', '--profile', 'client', '--silent'], env);
      expect(quiet.stderr).toBe('');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('timeout flags', () => {
  it.each([
    [['whoami', '--read-timeout', 'soon'], /^error: --read-timeout 'soon' is not a duration from 0 \(no limit\) to 1h/],
    [['whoami', '--connect-timeout', '-1'], /^error: --connect-timeout '-1' is not a duration from 0 \(no limit\) to 1h/],
    [['whoami', '--read-timeout', '7200'], /^error: --read-timeout '7200' is not a duration from 0 \(no limit\) to 1h/],
    [['whoami', '--cli-read-timeout', 'x'], /^error: --cli-read-timeout 'x' is not a duration/],
  ])('%j is a usage error: exit 2, one line', async (args, pattern) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('documents both flags with their defaults in --help, and accepts aws-cli spellings silently', async () => {
    const help = await cli(['whoami', '--help']);
    expect(help.stdout).toMatch(/--connect-timeout <seconds>.*\(default: 60\)/s);
    expect(help.stdout).toMatch(/--read-timeout <seconds>.*\(default: 60\)/s);
    expect(help.stdout).not.toContain('--cli-read-timeout');
    stsMock.on(GetCallerIdentityCommand).resolves({ UserId: 'AID', Account: '1', Arn: 'a' });
    const r = await cli(['whoami', '--cli-connect-timeout', '5', '--cli-read-timeout', '0.5', '--read-timeout', '0']);
    expect(r.code).toBe(0);
  });
});
