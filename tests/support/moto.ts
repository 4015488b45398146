// Start and stop a local moto server (tests/support/moto_server.py) for end-to-end tests.
// Loopback only; never points anything at real AWS.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as http from 'http';
import type { Socket } from 'net';
import * as path from 'path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

// Current SDK releases print a multi-line warning under Node 20 when the first client is made.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface MotoServer {
  /** e.g. http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  /** enforce=true: an IAM user `admin` with Allow * on *. enforce=false: dummy keys (anything works). */
  admin: Credentials;
  accountId: string;
  /** pid of the python process (also its process group id). */
  pid: number;
  enforce: boolean;
  /** SIGTERM to the process group, SIGKILL after 5 s; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

export const REGION = 'us-east-1';
export const MOTO_LAUNCHER = path.join(__dirname, 'moto_server.py');
const PYTHON = 'python3';
const START_TIMEOUT_MS = 30_000;
// Any key works for the unauthenticated bootstrap requests (and for a server without enforcement).
const DUMMY_CREDENTIALS: Credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'dummy-secret' };
const ADMIN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

let available: boolean | undefined;

/** True when python3 can import moto's server (checked once per process). */
export function isMotoAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync(PYTHON, ['-c', 'import moto.server, werkzeug.serving'], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    available = probe.status === 0;
  }
  return available;
}

/** Environment for the launcher: ours, minus anything that could change moto's behaviour. */
function launcherEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|MOTO_)/.test(key) || key === 'INITIAL_NO_AUTH_ACTION_COUNT') continue;
    env[key] = value;
  }
  env.PYTHONUNBUFFERED = '1';
  return env;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the launcher leads its own process group (detached)
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Kills a launcher process group by pid (for teardown when only the pid is known). */
export function killMotoProcessGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  signalGroup(pid, signal);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function waitForReadyLine(child: ChildProcess, stderrTail: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => finish(new Error(`moto_server did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const match = /moto_server ready on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) finish(undefined, Number(match[1]));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(new Error(`moto_server exited before it was ready (code ${code}, signal ${signal}): ${stderrTail()}`));
    const onError = (err: Error): void => finish(err);
    function finish(err?: Error, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve(port as number);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** One GET on moto's own API (does not count as one of the unauthenticated IAM requests). */
function probe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/moto-api/', agent: false, headers: { connection: 'close' }, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`moto_server answered ${res.statusCode}`))));
      },
    );
    req.on('timeout', () => req.destroy(new Error('moto_server probe timed out')));
    req.on('error', reject);
  });
}

async function bootstrapAdmin(endpoint: string): Promise<Credentials> {
  // The launcher lets exactly 3 requests through unauthenticated: no retries, or they are spent.
  const iam = new IAMClient({ endpoint, region: REGION, credentials: { ...DUMMY_CREDENTIALS }, maxAttempts: 1 });
  try {
    await iam.send(new CreateUserCommand({ UserName: 'admin' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'admin', PolicyName: 'admin-all', PolicyDocument: ADMIN_POLICY }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'admin' }));
    if (!AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) throw new Error('moto returned no access key for admin');
    return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
  } finally {
    iam.destroy();
  }
}

async function callerAccount(endpoint: string, credentials: Credentials): Promise<string> {
  // The SDK annotates the credentials object it is given ($source): hand it a copy.
  const sts = new STSClient({ endpoint, region: REGION, credentials: { ...credentials }, maxAttempts: 1 });
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Account) throw new Error('moto returned no account id');
    return Account;
  } finally {
    sts.destroy();
  }
}

/**
 * Starts moto on a free loopback port (the OS picks it: the launcher binds port 0 and reports the
 * port, so there is no race between choosing and binding). enforce (default true) turns IAM
 * enforcement on and bootstraps the admin user; enforce=false is for presigned-URL tests.
 */
export async function startMoto(opts: { enforce?: boolean } = {}): Promise<MotoServer> {
  const enforce = opts.enforce ?? true;
  const args = [MOTO_LAUNCHER, '0', '--exit-on-stdin-eof', ...(enforce ? [] : ['--no-iam'])];
  const child = spawn(PYTHON, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: launcherEnv() });
  const spawnError = new Promise<Error>((resolve) => child.on('error', resolve));
  child.stdin?.on('error', () => undefined); // EPIPE once the server is gone: harmless
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  // Do not let the server keep a jest process alive: if this process ends, the launcher sees EOF
  // on its stdin and exits by itself.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket | null)?.unref?.();

  const pid = child.pid;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(pid, 'SIGTERM');
      child.stdin?.end();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 5_000))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        signalGroup(pid, 'SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };

  try {
    if (pid === undefined) throw new Error(`could not spawn ${PYTHON}: ${(await spawnError).message}`);
    const port = await waitForReadyLine(child, () => stderr);
    child.stdout?.resume(); // nothing more is expected there; keep the pipe drained
    await probe(port);
    const endpoint = `http://127.0.0.1:${port}`;
    const admin = enforce ? await bootstrapAdmin(endpoint) : { ...DUMMY_CREDENTIALS };
    const accountId = await callerAccount(endpoint, admin);
    return { endpoint, port, admin, accountId, pid, enforce, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
