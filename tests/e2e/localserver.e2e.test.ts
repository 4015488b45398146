// localserver on moto: the built CLI serves credentials on a free loopback port; a real SDK client
// gets them through a profile whose credential_process curls the server (fromProcess), and a
// separate client proves what they reach: the granted bucket, read-only, and nothing else. The
// server refreshes them before they expire: AssumeRole's shortest session is 15 minutes, so the
// test shortens the margin instead (--refresh-before 897s: a refresh every 3 s); the cache's
// timing itself is unit-tested on a fake clock (tests/unit/credentials/local-server.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { fromProcess } from '@aws-sdk/credential-providers';
import { REGION } from '../support/moto';
import {
  adminClients,
  CLI_PATH,
  clientsFor,
  describeE2E,
  expectAllowed,
  expectDenied,
  motoState,
  runCli,
  uniqueName,
} from '../support/e2e';

interface Server {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const servers: Server[] = [];

/** Starts `s3-share localserver ...args -p 0` as the moto admin; resolves once it prints its URL. */
async function startServer(args: string[]): Promise<Server> {
  const { endpoint, admin } = motoState();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-home-'));
  const child = spawn(process.execPath, [CLI_PATH, 'localserver', ...args, '-p', '0'], {
    cwd: home,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const server: Server = { child, url: '', stderr: () => err, exited };
  servers.push(server);
  const url = await Promise.race([
    waitFor(() => /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err)?.[1], 20_000),
    exited.then(({ code }) => {
      throw new Error(`localserver exited with ${code} before serving: ${err}`);
    }),
  ]);
  expect(out).toBe('');
  return Object.assign(server, { url });
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An S3 client whose credentials come from a credential_process profile that curls the server. */
function profileClient(url: string): S3Client {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-profile-'));
  const configFilepath = path.join(dir, 'config');
  const filepath = path.join(dir, 'credentials');
  fs.writeFileSync(configFilepath, `[profile localserver]\ncredential_process = curl -sf ${url}\n`);
  fs.writeFileSync(filepath, '');
  return new S3Client({
    endpoint: motoState().endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: fromProcess({ profile: 'localserver', configFilepath, filepath }),
  });
}

async function fetchCredentials(url: string): Promise<Record<string, string | number>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, string | number>;
}

describeE2E('localserver on moto', () => {
  const bucket = uniqueName('ls');
  const other = uniqueName('ls-other');

  beforeAll(async () => {
    const { s3 } = adminClients();
    for (const Bucket of [bucket, other]) {
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'hello.txt', Body: 'hello' }));
    }
    // The shared temporary role, as any earlier create --duration leaves it: a server that has to
    // make it first holds signals until that is done (see the unit tests), the others stop at once.
    expect((await runCli(['create', bucket, '-d', '15m', '--read-only', '-s'])).code).toBe(0);
  });

  afterEach(async () => {
    for (const s of servers.splice(0)) {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      await s.exited;
    }
  });

  test('--read-only: an SDK client through credential_process reads the bucket, and may not write it or read another', async () => {
    const server = await startServer([bucket, '--read-only', '-d', '15m']);
    const body = await fetchCredentials(server.url);
    expect(Object.keys(body)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    expect(body.Version).toBe(1);
    expect(Date.parse(String(body.Expiration)) - Date.now()).toBeGreaterThan(14 * 60_000);

    const s3 = profileClient(server.url);
    const got = await expectAllowed(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' })));
    expect(await got.Body!.transformToString()).toBe('hello');
    await expectAllowed(s3.send(new ListObjectsV2Command({ Bucket: bucket })));
    await expectDenied(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'new.txt', Body: 'x' })));
    await expectDenied(s3.send(new GetObjectCommand({ Bucket: other, Key: 'hello.txt' })));
    // The same with a client given the served keys directly: the grant is the session's own.
    const direct = clientsFor({
      accessKeyId: String(body.AccessKeyId),
      secretAccessKey: String(body.SecretAccessKey),
      sessionToken: String(body.SessionToken),
    }).s3;
    await expectAllowed(direct.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' })));
    await expectDenied(direct.send(new PutObjectCommand({ Bucket: bucket, Key: 'new.txt', Body: 'x' })));

    // Requests are logged, the secret never.
    expect(server.stderr()).toMatch(/"GET \/" 200/);
    expect(server.stderr()).not.toContain(String(body.SecretAccessKey));
    expect(server.stderr()).not.toContain(String(body.SessionToken));
    expect(server.stderr()).not.toMatch(/loopback address/);
  });

  test('refreshes before expiry: new working credentials without a restart', async () => {
    const server = await startServer([bucket, '--read-only', '-d', '15m', '--refresh-before', '897s']);
    const first = await fetchCredentials(server.url);
    await waitFor(() => (server.stderr().match(/refreshed the credentials/g)?.length ?? 0) >= 2 || undefined, 20_000);
    const later = await fetchCredentials(server.url);
    expect(later.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(Date.parse(String(later.Expiration))).toBeGreaterThan(Date.parse(String(first.Expiration)));
    const s3 = profileClient(server.url);
    await expectAllowed(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' })));
    await expectDenied(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'new.txt', Body: 'x' })));
  });

  test('read-write by default: the client may write the bucket, still not another', async () => {
    const server = await startServer([bucket, '-d', '15m']);
    const s3 = profileClient(server.url);
    await expectAllowed(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'written.txt', Body: 'x' })));
    await expectDenied(s3.send(new PutObjectCommand({ Bucket: other, Key: 'written.txt', Body: 'x' })));
  });

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s stops the server with exit %i, and the port is closed', async (signal, code) => {
    const server = await startServer([bucket, '--read-only', '-d', '15m']);
    server.child.kill(signal);
    expect(await server.exited).toEqual({ code, signal: null });
    // Nothing to clean up: it stops at once, quietly.
    expect(server.stderr()).not.toMatch(/^error:|interrupted/m);
    await expect(fetch(server.url)).rejects.toThrow();
  });

  test('a port in use is one line, exit 1; a bad port is exit 2; a missing bucket exit 1', async () => {
    const server = await startServer([bucket, '--read-only', '-d', '15m']);
    const port = new URL(server.url).port;
    const { endpoint, admin } = motoState();
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI_PATH, 'localserver', '-d', '15m', ...args], {
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: os.tmpdir(),
            AWS_ENDPOINT_URL: endpoint,
            AWS_REGION: REGION,
            AWS_ACCESS_KEY_ID: admin.accessKeyId,
            AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        child.on('close', (c) => resolve({ code: c, stderr }));
      });
    const busy = await run([bucket, '-p', port, '-s']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe(`error: port ${port} on 127.0.0.1 is already in use: stop what uses it, or choose another port with -p\n`);
    const bad = await run([bucket, '-p', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await run([uniqueName('ls-missing'), '-p', '0']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: bucket \S+ does not exist \(NoSuchBucket\)/m);
  }, 60_000);
  test('on the first run in an account, once the role is made, a signal stops the server as quietly as later', async () => {
    const { iam } = adminClients();
    const RoleName = 's3-share-temporary';
    for (const PolicyName of (await iam.send(new ListRolePoliciesCommand({ RoleName }))).PolicyNames ?? [])
      await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
    await iam.send(new DeleteRoleCommand({ RoleName }));
    const server = await startServer([bucket, '--read-only', '-d', '15m']);
    expect((await iam.send(new GetRoleCommand({ RoleName }))).Role?.RoleName).toBe(RoleName);
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 130, signal: null });
    expect(server.stderr()).not.toMatch(/^error:|interrupted/m);
  });
});
