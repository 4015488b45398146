'use strict';
/**
 * The one way to run a local moto server (tests/support/moto_server.py) for the end-to-end tests,
 * the demo and the benchmarks: plain CommonJS, so that jest (through moto.d.ts) and plain node
 * scripts (scripts/, bench/) load the same code. Loopback only; never points anything at real AWS.
 */
const { spawn, spawnSync } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } = require('@aws-sdk/client-iam');
const { GetCallerIdentityCommand, STSClient } = require('@aws-sdk/client-sts');

// Current SDK releases print a multi-line warning under Node 20 when the first client is made.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const REGION = 'us-east-1';
const MOTO_LAUNCHER = path.join(__dirname, 'moto_server.py');
const PYTHON = 'python3';
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
// Any key works for the unauthenticated bootstrap requests (and for a server without enforcement).
const DUMMY_CREDENTIALS = Object.freeze({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'dummy-secret' });
const ADMIN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

let available;

/** True when python3 can import moto's server (checked once per process). */
function isMotoAvailable() {
  if (available === undefined) {
    const probe = spawnSync(PYTHON, ['-c', 'import moto.server, werkzeug.serving'], { stdio: 'ignore', timeout: 60_000 });
    available = probe.status === 0;
  }
  return available;
}

/** Environment for the launcher: ours, minus anything that could change moto's behaviour. */
function launcherEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|MOTO_)/.test(key) || key === 'INITIAL_NO_AUTH_ACTION_COUNT') continue;
    env[key] = value;
  }
  env.PYTHONUNBUFFERED = '1';
  return env;
}

function signalGroup(pid, signal) {
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
function killMotoProcessGroup(pid, signal = 'SIGKILL') {
  signalGroup(pid, signal);
}

function isProcessAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function waitForReadyLine(child, stderrTail) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => finish(new Error(`moto_server did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      out += chunk.toString('utf8');
      const match = /moto_server ready on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) finish(undefined, Number(match[1]));
    };
    const onExit = (code, signal) =>
      finish(new Error(`moto_server exited before it was ready (code ${code}, signal ${signal}): ${stderrTail()}`));
    const onError = (err) => finish(err);
    function finish(err, port) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve(port);
    }
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** One GET on moto's own API (does not count as one of the unauthenticated IAM requests). */
function probe(port) {
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

async function bootstrapAdmin(endpoint) {
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

async function callerAccount(endpoint, credentials) {
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
 * enforcement on and bootstraps the admin user; enforce=false is for presigned-URL tests and the
 * benchmarks, which measure round trips, not policy.
 */
async function startMoto(opts = {}) {
  const enforce = opts.enforce ?? true;
  const args = [MOTO_LAUNCHER, '0', '--exit-on-stdin-eof', ...(enforce ? [] : ['--no-iam'])];
  const child = spawn(PYTHON, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: launcherEnv() });
  const spawnError = new Promise((resolve) => child.on('error', resolve));
  child.stdin.on('error', () => undefined); // EPIPE once the server is gone: harmless
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  // Do not let the server keep its parent (jest, a script) alive: if the parent ends without
  // stop(), the launcher sees EOF on its stdin and exits by itself.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref?.();

  const pid = child.pid;
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(pid, 'SIGTERM');
      child.stdin.end();
      let timer;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise((resolve) => (timer = setTimeout(() => resolve(true), STOP_GRACE_MS))),
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
    child.stdout.resume(); // nothing more is expected there; keep the pipe drained
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

module.exports = { REGION, MOTO_LAUNCHER, isMotoAvailable, isProcessAlive, killMotoProcessGroup, startMoto };
