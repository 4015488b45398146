// localserver's parts: the cache (refresh timing on a fake clock, expired credentials never
// served), the HTTP server (the credential_process JSON, errors, the DNS rebinding guard, logs
// without secrets), and the command end to end in-process against mocked AWS.
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  credentialCache,
  CredentialsUnavailableError,
  isLoopbackHost,
  serveCredentials,
  type ServedCredentials,
} from '../../../src/services/credentials/local-server';
import { OperationError } from '../../../src/errors';
import { awsError } from '../support/aws-error';
import { fakeIo } from '../support/fake-io';
import { CREDS, runCli } from '../support/run-cli';

const SECRET = 'very-secret-access-key-value';
const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;

function creds(n: number, expiresAt: number): ServedCredentials {
  return { AccessKeyId: `ASIA${n}`, SecretAccessKey: `${SECRET}-${n}`, SessionToken: `token-${n}`, Expiration: new Date(expiresAt) };
}

function recorder() {
  const lines: string[] = [];
  return { lines, reporter: { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(`warning: ${m}`) } };
}

describe('credentialCache', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('refreshes in the background refreshBefore ahead of expiry, not sooner', async () => {
    let n = 0;
    const issue = jest.fn(async () => creds(++n, Date.now() + 15 * MIN));
    const { reporter, lines } = recorder();
    const cache = credentialCache(issue, { refreshBeforeMs: 5 * MIN, reporter });
    expect((await cache.start()).AccessKeyId).toBe('ASIA1');
    await jest.advanceTimersByTimeAsync(10 * MIN - 1000);
    expect(issue).toHaveBeenCalledTimes(1);
    expect((await cache.get()).AccessKeyId).toBe('ASIA1');
    await jest.advanceTimersByTimeAsync(1000);
    expect(issue).toHaveBeenCalledTimes(2);
    expect((await cache.get()).AccessKeyId).toBe('ASIA2');
    // And again 10 minutes after the second issue, without any request.
    await jest.advanceTimersByTimeAsync(10 * MIN);
    expect(cache.issued).toBe(3);
    expect(lines.filter((l) => l.startsWith('refreshed the credentials'))).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(SECRET);
    cache.stop();
  });

  test('a failing refresh keeps serving the current credentials until they expire, then never', async () => {
    let fail = false;
    const issue = jest.fn(async () => {
      if (fail) throw awsError('AccessDenied', 403, 'not allowed to assume the role');
      return creds(1, Date.now() + 15 * MIN);
    });
    const { reporter, lines } = recorder();
    const cache = credentialCache(issue, { refreshBeforeMs: 5 * MIN, retryMs: 30_000, reporter });
    await cache.start();
    fail = true;
    await jest.advanceTimersByTimeAsync(10 * MIN);
    expect(issue).toHaveBeenCalledTimes(2);
    expect(lines.some((l) => /^warning: could not refresh the credentials: .*not allowed.*serving the current ones/.test(l))).toBe(true);
    expect((await cache.get()).AccessKeyId).toBe('ASIA1');
    await jest.advanceTimersByTimeAsync(5 * MIN - 1000);
    expect((await cache.get()).AccessKeyId).toBe('ASIA1');
    await jest.advanceTimersByTimeAsync(1000);
    // Expired: whatever happens, these are not handed out again.
    await expect(cache.get()).rejects.toThrow(CredentialsUnavailableError);
    await expect(cache.get()).rejects.toThrow(/expired and refreshing them failed: .*not allowed/);
    // Once refreshing works again, requests get the new credentials.
    fail = false;
    await jest.advanceTimersByTimeAsync(30_000);
    expect((await cache.get()).AccessKeyId).toBe('ASIA1');
    expect((await cache.get()).Expiration.getTime()).toBeGreaterThan(Date.now());
    cache.stop();
  });

  test('requests after a failed refresh do not each call STS again', async () => {
    let fail = false;
    const issue = jest.fn(async () => {
      if (fail) throw new Error('network down');
      return creds(1, Date.now() + 15 * MIN);
    });
    const cache = credentialCache(issue, { refreshBeforeMs: 5 * MIN, retryMs: 60_000, reporter: recorder().reporter });
    await cache.start();
    fail = true;
    await jest.advanceTimersByTimeAsync(10 * MIN);
    const before = issue.mock.calls.length;
    await Promise.all(Array.from({ length: 20 }, () => cache.get()));
    expect(issue.mock.calls.length).toBe(before);
    cache.stop();
  });

  test('concurrent requests due for a refresh share one issue', async () => {
    let n = 0;
    const issue = jest.fn(async () => creds(++n, Date.now() + 15 * MIN));
    const cache = credentialCache(issue, { refreshBeforeMs: 5 * MIN, reporter: recorder().reporter });
    await cache.start();
    cache.stop(); // no background timer: the requests must do it
    jest.setSystemTime(T0 + 11 * MIN);
    const got = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(got.map((c) => c.AccessKeyId)).toEqual(['ASIA2', 'ASIA2', 'ASIA2']);
    expect(issue).toHaveBeenCalledTimes(2);
  });

  test('a failing first issue is thrown by start', async () => {
    const cache = credentialCache(
      async () => {
        throw new OperationError('STS says no');
      },
      { refreshBeforeMs: MIN, reporter: recorder().reporter },
    );
    await expect(cache.start()).rejects.toThrow('STS says no');
    cache.stop();
  });
});

test.each([
  ['127.0.0.1', true],
  ['127.1.2.3', true],
  ['localhost', true],
  ['::1', true],
  ['[::1]', true],
  ['0.0.0.0', false],
  ['::', false],
  ['192.168.1.5', false],
  ['example.com', false],
  ['127.0.0.1.evil.example', false],
])('isLoopbackHost(%s) is %s', (host, expected) => {
  expect(isLoopbackHost(host)).toBe(expected);
});

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function get(port: number, path = '/', opts: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, method: opts.method ?? 'GET', headers: opts.host ? { Host: opts.host } : {} },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('serveCredentials', () => {
  const expires = Date.now() + 3600_000;
  const good = { get: async () => creds(7, expires) };

  test('GET / is exactly the credential_process JSON; the log has the request, not the secret', async () => {
    const { reporter, lines } = recorder();
    const server = await serveCredentials(good, { host: '127.0.0.1', port: 0, reporter });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      const r = await get(server.port);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(r.body)).toEqual({
        Version: 1,
        AccessKeyId: 'ASIA7',
        SecretAccessKey: `${SECRET}-7`,
        SessionToken: 'token-7',
        Expiration: new Date(expires).toISOString(),
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\S+Z 127\.0\.0\.1 "GET \/" 200$/);
      expect(lines.join('\n')).not.toContain(SECRET);
    } finally {
      await server.close();
    }
  });

  test('other paths are 404, other methods 405, and neither carries credentials', async () => {
    const server = await serveCredentials(good, { host: '127.0.0.1', port: 0, reporter: recorder().reporter });
    try {
      const missing = await get(server.port, '/latest/meta-data');
      expect(missing.status).toBe(404);
      const post = await get(server.port, '/', { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
      for (const r of [missing, post]) expect(r.body).not.toContain(SECRET);
    } finally {
      await server.close();
    }
  });

  test('on a loopback address, a request addressed to another host name is refused (DNS rebinding)', async () => {
    const server = await serveCredentials(good, { host: '127.0.0.1', port: 0, reporter: recorder().reporter });
    try {
      const rebound = await get(server.port, '/', { host: `attacker.example:${server.port}` });
      expect(rebound.status).toBe(403);
      expect(rebound.body).not.toContain(SECRET);
      expect((await get(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(200);
      expect((await get(server.port, '/', { host: `[::1]:${server.port}` })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  test('no valid credentials: 503 with a JSON error, and a line on stderr', async () => {
    const { reporter, lines } = recorder();
    const failing = {
      get: async (): Promise<ServedCredentials> => {
        throw new CredentialsUnavailableError('no valid credentials: the last ones expired and refreshing them failed: boom');
      },
    };
    const server = await serveCredentials(failing, { host: '127.0.0.1', port: 0, reporter });
    try {
      const r = await get(server.port);
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body)).toEqual({ error: expect.stringMatching(/^no valid credentials: .*boom$/) });
      expect(lines).toContain('warning: served 503: no valid credentials: the last ones expired and refreshing them failed: boom');
      expect(lines.some((l) => / "GET \/" 503$/.test(l))).toBe(true);
    } finally {
      await server.close();
    }
  });

  test('a port in use is one OperationError naming it', async () => {
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as AddressInfo).port;
    try {
      const attempt = serveCredentials(good, { host: '127.0.0.1', port, reporter: recorder().reporter });
      await expect(attempt).rejects.toThrow(OperationError);
      await expect(serveCredentials(good, { host: '127.0.0.1', port, reporter: recorder().reporter })).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use: stop what uses it, or choose another port with -p`,
      );
    } finally {
      await new Promise((r) => other.close(r));
    }
  });
});

describe('s3-share localserver', () => {
  const iam = mockClient(IAMClient);
  const sts = mockClient(STSClient);
  const s3 = mockClient(S3Client);
  beforeEach(() => {
    iam.reset();
    sts.reset();
    s3.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin', UserId: 'AID' });
    s3.on(HeadBucketCommand).resolves({});
    iam.on(GetRoleCommand).resolves({
      Role: {
        RoleName: 's3-share-temporary',
        Arn: 'arn:aws:iam::123456789012:role/s3-share-temporary',
        Path: '/',
        RoleId: 'AROA',
        CreateDate: new Date(),
        MaxSessionDuration: 43200,
      },
    });
    let n = 0;
    sts.on(AssumeRoleCommand).callsFake(async (input: { DurationSeconds: number }) => ({
      Credentials: {
        AccessKeyId: `ASIAMOCK${++n}`,
        SecretAccessKey: SECRET,
        SessionToken: 'tok',
        Expiration: new Date(Date.now() + input.DurationSeconds * 1000),
      },
    }));
  });

  test.each([
    [['bkt', '-d', '15m', '-p', 'http'], /-p\/--port 'http' is not a port number/],
    [['bkt', '-d', '15m', '-p', '70000'], /-p\/--port '70000' is not a port number/],
    [['bkt'], /required option '-d, --duration <time>' not specified/],
    [['bkt', '-d', '5m'], /--duration '5m' is not a duration from 15m to 12h/],
    [['bkt', '-d', '15m', '--refresh-before', '15m'], /--refresh-before 900 s is not shorter than --duration 900 s/],
    [['bkt', '-d', '15m', '--read-only', '--write-only'], /--read-only and --write-only conflict/],
    [['bkt', '-d', '15m', '-p', '1', '-p', '2'], /-p\/--port was given 2 times/],
    [['Not_A_Bucket', '-d', '15m'], /Not_A_Bucket/],
  ])('%j is a usage error: exit 2, one line, no AWS call', async (args, message) => {
    const r = await runCli(['localserver', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(sts.calls()).toHaveLength(0);
  });

  test('a non-loopback --host warns that anyone who reaches the port gets the credentials', async () => {
    // Fail at the first AWS call, so nothing listens on a non-loopback address in the test.
    sts.on(GetCallerIdentityCommand).rejects(awsError('InvalidClientTokenId', 403, 'bad key'));
    const r = await runCli(['localserver', 'bkt', '-d', '15m', '--host', '0.0.0.0', '-p', '9999']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^warning: --host 0\.0\.0\.0 is not a loopback address: anyone who can reach port 9999 on it gets these credentials/m,
    );
    const quiet = await runCli(['localserver', 'bkt', '-d', '15m']);
    expect(quiet.stderr).not.toMatch(/loopback/);
  });

  test('a missing bucket is exit 1 before anything is served', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const r = await runCli(['localserver', 'nope', '-d', '15m', '-p', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: bucket nope does not exist \(NoSuchBucket\)/m);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  test('serves the session of the temporary role with the policy, until SIGINT ends it with 130', async () => {
    const f = fakeIo(CREDS);
    const { main } = await import('../../../src/cli');
    const done = main(['localserver', 'photos', '--read-only', '-d', '15m', '-p', '0'], f.io);
    const url = await waitFor(() => /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(f.err())?.[1]);
    const port = Number(new URL(url).port);
    const r = await get(port);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    expect(body.AccessKeyId).toBe('ASIAMOCK1');
    const assume = sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input;
    expect(assume).toMatchObject({ RoleArn: 'arn:aws:iam::123456789012:role/s3-share-temporary', DurationSeconds: 900 });
    const policy = JSON.parse(assume.Policy!) as { Statement: Array<{ Action: string | string[] }> };
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toContain('s3:GetObject');
    expect(actions).not.toContain('s3:PutObject');
    f.interrupt('SIGINT');
    expect(await done).toBe(130);
    expect(f.err()).not.toContain(SECRET);
    expect(f.err()).toMatch(/refreshed 450 s before they expire/);
    // The port is free again.
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  test('with no temporary role yet, it is made first (and SIGTERM ends the server with 143)', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException', 404));
    iam
      .on(CreateRoleCommand)
      .resolves({ Role: { RoleName: 's3-share-temporary', Arn: 'arn', Path: '/', RoleId: 'R', CreateDate: new Date() } });
    iam.on(PutRolePolicyCommand).resolves({});
    const f = fakeIo(CREDS);
    const { main } = await import('../../../src/cli');
    const done = main(['localserver', 'photos', '-d', '1h', '-p', '0', '--refresh-before', '5m'], f.io);
    await waitFor(() => /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(f.err())?.[1]);
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(1);
    expect(f.err()).toMatch(/refreshed 300 s before they expire/);
    f.interrupt('SIGTERM');
    expect(await done).toBe(143);
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
