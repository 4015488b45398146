// apply killed with SIGKILL at many points, then run again: the account converges. No orphaned
// user or policy, no key that nobody received, no client with two keys, and the key each client
// holds is the one in its file. Its own moto server, behind a proxy that adds latency so that a
// kill lands while calls are in flight.
import {
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, type MotoServer } from '../support/moto';
import { startThrottleProxy, type ThrottleProxy } from '../support/throttle-proxy';
import { describeE2E, runCli } from '../support/e2e';

const dir = mkdtempSync(join(tmpdir(), 's3share-clients-kill-'));
const BUCKET = 'clients-kill';

describeE2E('apply killed at any point converges on the next run', () => {
  let moto: MotoServer;
  let proxy: ThrottleProxy;
  let iam: IAMClient;
  let round = 0;

  beforeAll(async () => {
    moto = await startMoto({ enforce: true });
    proxy = await startThrottleProxy({ target: moto.endpoint, latencyMs: 40 });
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { ...moto.admin } };
    iam = new IAMClient(config);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    s3.destroy();
  });

  afterAll(async () => {
    iam?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  async function s3ShareUsers(): Promise<string[]> {
    const names: string[] = [];
    for await (const page of paginateListUsers({ client: iam }, {})) {
      for (const u of page.Users ?? []) {
        const tags = (await iam.send(new ListUserTagsCommand({ UserName: u.UserName! }))).Tags ?? [];
        if (tags.some((t) => t.Key === 's3-share:made-by')) names.push(u.UserName!);
      }
    }
    return names.sort();
  }

  /** Kills a first apply where `kill` says, runs apply again, and checks the account converged. */
  async function killThenConverge(kill: { stderrMatches?: RegExp; afterMs?: number }, concurrency = 2): Promise<void> {
    round++;
    const names = [`k${round}a`, `k${round}b`, `k${round}c`, `k${round}d`];
    const file = join(dir, `round${round}.csv`);
    writeFileSync(
      file,
      [
        'username,bucket,prefix,access,console,expires,role',
        `${names[0]},${BUCKET},${names[0]},read-only,yes,,`,
        `${names[1]},${BUCKET},${names[1]},read-write,no,2099-01-01,`,
        `${names[2]},${BUCKET},,write-only,no,,`,
        `${names[3]},${BUCKET},${names[3]},read-only,no,,${names[3]}-role`,
      ].join('\n'),
    );
    const keysDir = join(dir, `keys${round}`);
    const env = { AWS_ENDPOINT_URL: proxy.url };
    const args = ['apply', file, '--keys-dir', keysDir, '--concurrency', String(concurrency)];
    const killed = await runCli(args, { creds: moto.admin, env, signalWhen: { ...kill, signal: 'SIGKILL' } });
    // The kill landed before the work was done: the next run has something to write.
    expect(killed.signal).toBe('SIGKILL');
    proxy.reset();
    const again = await runCli(args, { creds: moto.admin, env });
    expect(proxy.writes.length).toBeGreaterThan(0);
    expect(again.stderr).not.toMatch(/failed/);
    expect(again.code).toBe(0);
    for (const user of names) {
      const keys = (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];
      expect({ user, keys: keys.length }).toEqual({ user, keys: 1 });
      const file = join(keysDir, `${user}.json`);
      expect(existsSync(file)).toBe(true);
      const delivered = JSON.parse(readFileSync(file, 'utf8'));
      expect(delivered.AccessKeyId).toBe(keys[0]!.AccessKeyId);
      const tags = (await iam.send(new ListUserTagsCommand({ UserName: user }))).Tags ?? [];
      expect(tags.find((t) => t.Key === 's3-share:pending')).toBeUndefined();
      expect((await iam.send(new ListUserPoliciesCommand({ UserName: user }))).PolicyNames).toHaveLength(1);
    }
    await iam.send(new GetLoginProfileCommand({ UserName: names[0] }));
    // The role client's role holds its one policy.
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: `${names[3]}-role` }))).PolicyNames).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(keysDir, `${names[0]}.json`), 'utf8')).Password).toBeTruthy();
    // Nothing orphaned: every user s3-share made is a listed client of some round.
    const all = await s3ShareUsers();
    expect(all.filter((u) => !/^k\d+[abcd]$/.test(u))).toEqual([]);
    const third = await runCli(args, { creds: moto.admin, env });
    expect(third.stderr).toMatch(/(^|\n)0 changes\n$/);
  }

  const points: Array<[string, RegExp]> = [
    ['while creating the first user', /create IAM user k\d+a/],
    ['while putting a policy', /add inline policy \S+ of user k\d+a/],
    ['while giving the console password', /give user k\d+a a console password/],
    ['while creating the first key', /create an access key for user k\d+a/],
    ['while writing a key file', /write the credentials of k\d+a/],
    ['before the pending mark comes off', /mark the key of user k\d+a delivered/],
    ['while creating a later key', /create an access key for user k\d+c/],
    ['after some clients are done', /mark the key of user k\d+b delivered/],
    ['while creating a role', /create IAM role k\d+d-role/],
    ['while putting a role policy', /add inline policy \S+ to role k\d+d-role/],
  ];
  test.each(points)('killed %s', async (_what, stderrMatches) => {
    await killThenConverge({ stderrMatches });
  });

  test.each([150, 400, 700, 1000])('killed %i ms in, one client at a time', async (afterMs) => {
    await killThenConverge({ afterMs }, 1);
  });

  test('SIGINT stops new clients, rolls back the one in flight, exits 130; the next run finishes', async () => {
    writeFileSync(
      join(dir, 'sigint.csv'),
      ['username,bucket,prefix,access,console,expires', ...['i1', 'i2', 'i3', 'i4'].map((n) => `${n},${BUCKET},${n},read-only,no,`)].join(
        '\n',
      ),
    );
    const args = ['apply', join(dir, 'sigint.csv'), '--keys-dir', join(dir, 'keys-sigint'), '--concurrency', '1'];
    const env = { AWS_ENDPOINT_URL: proxy.url };
    const r = await runCli(args, { creds: moto.admin, env, signalWhen: { stderrMatches: /create IAM user i2/, signal: 'SIGINT' } });
    expect(r.code).toBe(130);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^error: interrupted by SIGINT: run apply again to finish$/);
    const users = await s3ShareUsers();
    expect(users).toContain('i1');
    expect(users).not.toContain('i3');
    const again = await runCli(args, { creds: moto.admin, env });
    expect(again.code).toBe(0);
    for (const user of ['i1', 'i2', 'i3', 'i4']) {
      expect((await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata).toHaveLength(1);
    }
  });

  test('throttled far below --rate: adaptive retry absorbs it and every client is made', async () => {
    const tight = await startThrottleProxy({ target: moto.endpoint, writesPerSecond: 8 });
    try {
      writeFileSync(
        join(dir, 'throttled.csv'),
        [
          'username,bucket,prefix,access,console,expires',
          ...Array.from({ length: 8 }, (_, i) => `t${i},${BUCKET},t${i},read-only,no,`),
        ].join('\n'),
      );
      const args = ['apply', join(dir, 'throttled.csv'), '--keys-dir', join(dir, 'keys-throttled'), '--rate', '100', '--concurrency', '8'];
      const r = await runCli(args, { creds: moto.admin, env: { AWS_ENDPOINT_URL: tight.url } });
      expect(r.stderr).not.toMatch(/failed/);
      expect(r.code).toBe(0);
      expect(tight.throttled).toBeGreaterThan(0);
      for (let i = 0; i < 8; i++) {
        expect((await iam.send(new ListAccessKeysCommand({ UserName: `t${i}` }))).AccessKeyMetadata).toHaveLength(1);
      }
    } finally {
      await tight.close();
    }
  });
});
