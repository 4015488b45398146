// Faults between the CLI and AWS: a loopback proxy in front of moto answers chosen operations with
// throttling, 503 SlowDown, 500s and connection resets. Transient faults are retried away; a fault
// that persists makes create roll back completely and delete-user report what is left, and a
// re-run finishes the job.
import {
  GetUserCommand,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
  PutUserPolicyCommand,
  CreateUserCommand,
  CreateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy';
import { adminClients, describeE2E, motoState, runCli, uniqueName } from '../support/e2e';

let proxy: FaultProxy;
const viaProxy = (args: string[]) => runCli(args, { env: { AWS_ENDPOINT_URL: proxy.url } });
const withFaults = async (rules: FaultRule[], args: string[]) => {
  proxy.setRules(rules);
  const before = proxy.faults;
  const r = await viaProxy(args);
  return { ...r, injected: proxy.faults - before };
};
const userExists = async (UserName: string) =>
  adminClients()
    .iam.send(new GetUserCommand({ UserName }))
    .then(() => true)
    .catch((e) => (e.Code === 'NoSuchEntity' ? false : Promise.reject(e)));

describeE2E('faults between the CLI and AWS', () => {
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: motoState().endpoint });
  });
  afterAll(() => proxy.close());
  afterEach(() => proxy.setRules([]));

  describe('transient faults are retried away', () => {
    it.each<[string, FaultRule[], string[]]>([
      ['throttling on ListUsers', [{ match: /^ListUsers$/, fault: 'throttle', times: 2 }], ['list-users', '--nl']],
      [
        'a 500 and a reset on GetCallerIdentity',
        [
          { match: /^GetCallerIdentity$/, fault: '500', times: 1 },
          { match: /^GetCallerIdentity$/, fault: 'reset', times: 1 },
        ],
        ['whoami'],
      ],
      ['503 SlowDown on ListBuckets', [{ match: /^GET \/$/, fault: 'slowdown', times: 2 }], ['list-buckets', '--nl']],
      [
        'throttling on the account details',
        [{ match: /^GetAccountAuthorizationDetails$/, fault: 'throttle', times: 2 }],
        ['list-user-policies', '--nl'],
      ],
    ])('%s', async (_name, rules, args) => {
      const r = await withFaults(rules, args);
      expect(r.injected).toBeGreaterThan(0);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });

    it('delete-user succeeds through throttling and a reset on its removals', async () => {
      const { iam } = adminClients();
      const UserName = uniqueName('faultdelok');
      await iam.send(new CreateUserCommand({ UserName }));
      await iam.send(new CreateAccessKeyCommand({ UserName }));
      const r = await withFaults(
        [
          { match: /^DeleteAccessKey$/, fault: 'throttle', times: 1 },
          { match: /^DeleteUser$/, fault: 'reset', times: 1 },
        ],
        ['delete-user', UserName, '--silent'],
      );
      expect(r.injected).toBe(2);
      expect(r.code).toBe(0);
      expect(await userExists(UserName)).toBe(false);
    });

    it('create succeeds through throttling and 500s on its writes', async () => {
      const bucket = uniqueName('faultok');
      await adminClients().s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const UserName = uniqueName('faultok');
      const r = await withFaults(
        [
          { match: /^CreateUser$/, fault: 'throttle', times: 1 },
          { match: /^PutUserPolicy$/, fault: '500', times: 1 },
          { match: /^CreateAccessKey$/, fault: 'slowdown', times: 1 },
        ],
        ['create', bucket, '--read-only', '--username', UserName, '--no-wait'],
      );
      expect(r.injected).toBe(3);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ UserName, AccessKeyId: expect.any(String) });
      const { iam } = adminClients();
      expect((await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata).toHaveLength(1);
    });
  });

  describe('persistent faults', () => {
    it('create rolls back completely: no user, key, policy or bucket is left', async () => {
      const bucket = uniqueName('faultrb');
      const UserName = uniqueName('faultrb');
      const r = await withFaults(
        [{ match: /^CreateAccessKey$/, fault: '500' }],
        ['create', bucket, '-c', '--username', UserName, '--no-wait'],
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lastLine = r.stderr.trim().split('\n').pop()!;
      expect(lastLine).toMatch(/^error: .*failed: .*rolled back: /);
      expect(await userExists(UserName)).toBe(false);
      await expect(adminClients().s3.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
    });

    it('delete-user reports what is left, and a re-run completes it', async () => {
      const { iam } = adminClients();
      const UserName = uniqueName('faultdel');
      await iam.send(new CreateUserCommand({ UserName }));
      await iam.send(new CreateAccessKeyCommand({ UserName }));
      await iam.send(
        new PutUserPolicyCommand({
          UserName,
          PolicyName: 'p',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
          }),
        }),
      );
      const failed = await withFaults([{ match: /^DeleteUser$/, fault: '500' }], ['delete-user', UserName]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(UserName);
      expect(failed.stderr).toMatch(/error: /);
      expect(await userExists(UserName)).toBe(true);
      // What could be removed is gone; the user itself is left for the re-run.
      expect((await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata).toEqual([]);
      expect((await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames).toEqual([]);
      proxy.setRules([]);
      const rerun = await viaProxy(['delete-user', UserName]);
      expect(rerun.code).toBe(0);
      expect(await userExists(UserName)).toBe(false);
    });

    it('assume-and-sync reports the files that kept failing, and a re-run converges to identical content', async () => {
      const { s3 } = adminClients();
      const bucket = uniqueName('faultsync');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const root = mkdtempSync(join(tmpdir(), 's3share-faultsync-'));
      const files: Record<string, string> = { 'a.txt': 'alpha', 'b.txt': 'bravo', 'sub/c.txt': 'charlie', 'sub/d e.txt': 'delta' };
      for (const [name, body] of Object.entries(files)) {
        mkdirSync(dirname(join(root, name)), { recursive: true });
        writeFileSync(join(root, name), body);
      }
      const failed = await withFaults(
        [
          { match: new RegExp(`^PUT /${bucket}/dest/b\\.txt$`), fault: '500' },
          { match: new RegExp(`^PUT /${bucket}/dest/sub/c\\.txt$`), fault: 'reset' },
          { match: /^PUT /, fault: 'slowdown', times: 2 },
        ],
        ['assume-and-sync', root, `s3://${bucket}/dest`],
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/failed: dest\/b\.txt/);
      expect(failed.stderr).toMatch(/failed: dest\/sub\/c\.txt/);
      expect(failed.stderr.trim().split('\n').pop()).toMatch(/^error: /);
      proxy.setRules([]);
      const rerun = await viaProxy(['assume-and-sync', root, `s3://${bucket}/dest`, '--nl']);
      expect(rerun.code).toBe(0);
      const events = rerun.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      // Only what failed goes up again.
      expect(
        events
          .filter((e) => e.event === 'uploaded')
          .map((e) => e.key)
          .sort(),
      ).toEqual(['dest/b.txt', 'dest/sub/c.txt']);
      for (const [name, body] of Object.entries(files)) {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `dest/${name}` }));
        expect(await got.Body!.transformToString()).toBe(body);
      }
    });

    it('list-users fails with one line naming the throttling after the retries', async () => {
      const r = await withFaults([{ match: /^ListUsers$/, fault: 'throttle' }], ['list-users']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: AWS kept throttling requests to iam:ListUsers after \d+ attempts \(Throttling\)/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  });
});

describeE2E('answers that are not from AWS', () => {
  let html: FaultProxy;
  beforeAll(async () => {
    html = await startFaultProxy({ target: motoState().endpoint });
  });
  afterAll(() => html.close());
  const via = (rules: FaultRule[], args: string[]) => {
    html.setRules(rules);
    return runCli(args, { env: { AWS_ENDPOINT_URL: html.url, AWS_MAX_ATTEMPTS: '2' } });
  };

  it.each<[string, FaultRule[], string[], RegExp]>([
    [
      'an HTML 404 on whoami',
      [{ match: /GetCallerIdentity/, fault: 'html', status: 404 }],
      ['whoami'],
      /answered sts:GetCallerIdentity with something that is not an AWS response \(HTTP 404, text\/html\)/,
    ],
    [
      'an HTML 200 on whoami (was an empty identity)',
      [{ match: /GetCallerIdentity/, fault: 'html', status: 200 }],
      ['whoami'],
      /answered sts:GetCallerIdentity with something that is not an AWS response \(HTTP 200, text\/html\)/,
    ],
    [
      'an HTML 200 on list-buckets (was an empty list)',
      [{ match: /^GET \/$/, fault: 'html', status: 200 }],
      ['list-buckets'],
      /answered s3:ListAllMyBuckets with something that is not an AWS response \(HTTP 200/,
    ],
    [
      'an HTML 502 from a proxy on list-users',
      [{ match: /ListUsers/, fault: 'html', status: 502 }],
      ['list-users'],
      /answered iam:ListUsers with something that is not an AWS response \(HTTP 502, text\/html\)/,
    ],
  ])('%s: exit 1, one line naming the endpoint', async (_name, rules, args, pattern) => {
    const r = await via(rules, args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^error: the endpoint ${html.url.replace(/[.]/g, '\\.')} `));
    expect(r.stderr).toMatch(pattern);
  });
});

describeE2E('nothing hangs', () => {
  let net: FaultProxy;
  beforeAll(async () => {
    net = await startFaultProxy({ target: motoState().endpoint });
  });
  afterAll(() => net.close());
  const via = (rules: FaultRule[], args: string[], env: Record<string, string> = {}) => {
    net.setRules(rules);
    return runCli(args, { env: { AWS_ENDPOINT_URL: net.url, ...env } });
  };

  it('whoami against an endpoint that accepts and never answers: one line naming it, within the bounded retries', async () => {
    const started = Date.now();
    const r = await via([{ match: /GetCallerIdentity/, fault: 'stall' }], ['whoami', '--read-timeout', '1'], { AWS_MAX_ATTEMPTS: '3' });
    const elapsed = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: ${net.url} stopped answering: nothing received for 1 s (TimeoutError from sts:GetCallerIdentity, 3 attempts): check --endpoint-url, proxies and firewalls, or raise --read-timeout if the endpoint is just slow\n`,
    );
    // Three silences of 1 s plus back-off, and the process still exits at once.
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    expect(elapsed).toBeLessThan(15_000);
  });

  it('list-users through a stall that clears: the retry succeeds', async () => {
    const r = await via([{ match: /^ListUsers$/, fault: 'stall', times: 1 }], ['list-users', '--nl', '--read-timeout', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a download slower than the read timeout, but never silent that long, completes intact', async () => {
    const bucket = uniqueName('slowget');
    const { s3 } = adminClients();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const body = 'x'.repeat(16 * 1024);
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'slow.txt', Body: body }));
    const started = Date.now();
    // 16 pieces of 1 KiB every 250 ms: about 4 s in all against a 1 s read timeout.
    const r = await via(
      [{ match: new RegExp(`^GET /${bucket}/slow\\.txt$`), fault: 'trickle', chunkBytes: 1024, intervalMs: 250 }],
      ['get-object', bucket, 'slow.txt', '--read-timeout', '1'],
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(body);
    expect(Date.now() - started).toBeGreaterThan(3000);
  });

  it('a timeout flag that is not a number is a usage error before any request', async () => {
    const before = net.requests;
    const r = await via([], ['whoami', '--connect-timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(net.requests).toBe(before);
  });
});

// Delivery failures: the credentials cannot reach the user (a closed stdout, a full device, a full
// disk under --output). Delivery is a step of the plan, so each one rolls back what the run made,
// and rotate-key leaves the old key as it was.
describeE2E('a failed delivery of new credentials loses nothing', () => {
  const { iam } = adminClients();
  const bucket = uniqueName('deliver');
  const dir = mkdtempSync(join(tmpdir(), 's3share-deliver-'));
  // A 64 KiB tmpfs filled to the brim: a real full disk. Needs root (mount); skipped otherwise.
  const full = join(dir, 'full');
  let fullDisk = false;
  beforeAll(async () => {
    await adminClients().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { execFileSync } = await import('node:child_process');
    mkdirSync(full);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full], { stdio: 'ignore' });
      fullDisk = true;
      try {
        writeFileSync(join(full, 'filler'), Buffer.alloc(1 << 20));
      } catch {
        // ENOSPC: the disk is full, as wanted
      }
    } catch {
      fullDisk = false;
    }
  });
  afterAll(async () => {
    if (!fullDisk) return;
    const { execFileSync } = await import('node:child_process');
    execFileSync('umount', [full], { stdio: 'ignore' });
  });

  /** The CLI with its stdout closed by the reader (EPIPE on write), or sent to /dev/full (ENOSPC). */
  async function runWithBrokenStdout(args: string[], stdout: 'closed' | 'full') {
    const [{ spawn }, { openSync, closeSync }, { CLI_PATH }] = await Promise.all([
      import('node:child_process'),
      import('node:fs'),
      import('../support/e2e'),
    ]);
    const moto = motoState();
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: mkdtempSync(join(dir, 'home-')),
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: moto.admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.admin.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const devFull = stdout === 'full' ? openSync('/dev/full', 'w') : undefined;
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', devFull ?? 'pipe', 'pipe'] });
    if (devFull !== undefined) closeSync(devFull);
    // The reader goes away at once, long before the CLI has made anything to print.
    child.stdout?.destroy();
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    return { code, stderr };
  }

  const keyIds = async (UserName: string) =>
    ((await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? []).map((k) => `${k.AccessKeyId}:${k.Status}`).sort();

  /** A user with one working key, made directly (not by the CLI under test). */
  async function userWithKey() {
    const UserName = uniqueName('dlv');
    await iam.send(new CreateUserCommand({ UserName }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
    return { UserName, keys: await keyIds(UserName), key: AccessKey! };
  }

  /** The old key still authenticates. */
  async function stillWorks(key: { AccessKeyId?: string; SecretAccessKey?: string }) {
    const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
    const client = new STSClient({
      endpoint: motoState().endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
    });
    try {
      await expect(client.send(new GetCallerIdentityCommand({}))).resolves.toHaveProperty('Arn');
    } finally {
      client.destroy();
    }
  }

  for (const stdout of ['closed', 'full'] as const) {
    it(`create with stdout ${stdout === 'closed' ? 'closed (EPIPE)' : 'on /dev/full (ENOSPC)'}: exit 1, the user rolled back`, async () => {
      const UserName = uniqueName('dlvc');
      const r = await runWithBrokenStdout(['create', bucket, '--username', UserName, '--no-wait'], stdout);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toMatch(
        new RegExp(
          `^error: print the credentials on stdout \\(json\\) failed: cannot print the credentials on stdout \\(${stdout === 'closed' ? 'EPIPE' : 'ENOSPC'}\\).*rolled back: .*delete user ${UserName}`,
        ),
      );
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(await userExists(UserName)).toBe(false);
    });

    it(`rotate-key with stdout ${stdout}: exit 1, the new key deleted, the old key kept and working`, async () => {
      const user = await userWithKey();
      for (const extra of [[], ['--keep-old']]) {
        const r = await runWithBrokenStdout(['rotate-key', user.UserName, '--no-wait', ...extra], stdout);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/rolled back: delete the new access key/);
        expect(await keyIds(user.UserName)).toEqual(user.keys);
      }
      await stillWorks(user.key);
    });
  }

  it('create and rotate-key with --output on a full disk (ENOSPC): exit 1, nothing made, no file left', async () => {
    if (!fullDisk) {
      console.warn('full-disk case not run: mounting a tmpfs needs root');
      return;
    }
    const UserName = uniqueName('dlvf');
    const created = await runCli(['create', bucket, '--username', UserName, '--no-wait', '--output', join(full, 'c.json')]);
    expect(created.code).toBe(1);
    expect(created.stderr).toMatch(/cannot write the credentials to .*c\.json \(ENOSPC\).*rolled back: .*delete user/);
    expect(await userExists(UserName)).toBe(false);
    const user = await userWithKey();
    for (const extra of [[], ['--force'], ['--keep-old']]) {
      const r = await runCli(['rotate-key', user.UserName, '--no-wait', '--output', join(full, 'r.json'), ...extra]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\(ENOSPC\).*rolled back: .*delete the new access key/);
      expect(await keyIds(user.UserName)).toEqual(user.keys);
    }
    await stillWorks(user.key);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(full)).toEqual(['filler']);
  });
});
