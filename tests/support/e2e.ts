// Helpers for e2e test files: the shared moto server (started by global-setup.ts), SDK clients
// pointed at it, test identities, and a runner for the built CLI with a clean environment.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { REGION, type Credentials } from './moto';
import { readState } from './state';

export type { Credentials } from './moto';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CLI_PATH = path.join(REPO_ROOT, 'bin', 's3-share');

export interface MotoState {
  endpoint: string;
  admin: Credentials;
  accountId: string;
}

/** True when the global setup started moto (false: moto missing outside CI, e2e tests skipped). */
export function motoAvailable(): boolean {
  return readState().available;
}

/** The shared server: endpoint, admin keys, account id. Throws when moto is unavailable. */
export function motoState(): MotoState {
  const state = readState();
  if (!state.available) throw new Error(`moto is not available: ${state.reason}`);
  return { endpoint: state.endpoint, admin: { ...state.admin }, accountId: state.accountId };
}

/** describe() for e2e tests; describe.skip (with the reason in the name) when moto is unavailable. */
export function describeE2E(name: string, fn: () => void): void {
  const state = readState();
  if (state.available) describe(name, fn);
  else describe.skip(`${name} [SKIPPED: ${state.reason}]`, fn);
}

// ---------------------------------------------------------------------------------------------
// SDK clients

export interface Clients {
  iam: IAMClient;
  s3: S3Client;
  sts: STSClient;
}

export function clientsFor(credentials: Credentials): Clients {
  const { endpoint } = motoState();
  // Each client gets its own copy: the SDK annotates the credentials object it is given.
  const config = () => ({ endpoint, region: REGION, credentials: { ...credentials } });
  return {
    iam: new IAMClient(config()),
    s3: new S3Client({ ...config(), forcePathStyle: true }),
    sts: new STSClient(config()),
  };
}

export function adminClients(): Clients {
  return clientsFor(motoState().admin);
}

// ---------------------------------------------------------------------------------------------
// Names and identities

let nameCounter = 0;

/**
 * A short unique lowercase name (letters, digits, '-'), valid as an IAM user/role name and as an
 * S3 bucket name, unique across jest workers sharing one server: prefix-<pid><counter><random>.
 */
export function uniqueName(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 30) || 't';
  nameCounter += 1;
  const random = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${clean}-${process.pid.toString(36)}${nameCounter.toString(36)}${random}`;
}

export interface TestUser extends Credentials {
  userName: string;
  arn: string;
}

export type PolicyDocument = string | Record<string, unknown>;

/** Creates an IAM user (as admin) with the given inline policy (none for null) and an access key. */
export async function createTestUser(name: string, policyDocument: PolicyDocument | null): Promise<TestUser> {
  const { iam } = adminClients();
  try {
    const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
    if (policyDocument !== null) {
      const document = typeof policyDocument === 'string' ? policyDocument : JSON.stringify(policyDocument);
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `${name}-policy`, PolicyDocument: document }));
    }
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    if (!User?.Arn || !AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) throw new Error(`moto did not create ${name} fully`);
    return { userName: name, arn: User.Arn, accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
  } finally {
    iam.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Allowed / denied

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { body?: unknown };
}

function describeError(err: unknown): string {
  const e = err as SdkError;
  return `${e?.name ?? typeof err}${e?.Code && e.Code !== e.name ? `/${e.Code}` : ''} (HTTP ${e?.$metadata?.httpStatusCode ?? '?'}): ${e?.message ?? String(err)}`;
}

const DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException']);
const BODILESS_403_NAMES = new Set(['Unknown', 'Forbidden', '403']);

/** Whether err is an authorization refusal (not a signature, key or not-found error). */
export function isAccessDenied(err: unknown): boolean {
  const e = err as SdkError;
  if (!e || typeof e !== 'object') return false;
  if (DENIED_CODES.has(e.name ?? '') || DENIED_CODES.has(e.Code ?? '')) return true;
  // HEAD responses (HeadBucket, HeadObject) have no body, hence no code: the SDK calls a bare 403
  // "Unknown" (older releases: "Forbidden"). A bodiless 403 cannot be told apart from a HEAD with a
  // bad signature, but the allowed counterpart of such a check would then fail.
  return e.$metadata?.httpStatusCode === 403 && BODILESS_403_NAMES.has(e.name ?? '');
}

/** Awaits an SDK call that must succeed; fails the test with the error's code otherwise. */
export async function expectAllowed<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw new Error(`expected the call to be allowed, but it failed with ${describeError(err)}`);
  }
}

/** Awaits an SDK call that must be refused with AccessDenied; returns the error. */
export async function expectDenied(call: Promise<unknown>): Promise<unknown> {
  let result: unknown;
  try {
    result = await call;
  } catch (err) {
    if (isAccessDenied(err)) return err;
    throw new Error(`expected AccessDenied, but the call failed with ${describeError(err)}`);
  }
  throw new Error(`expected AccessDenied, but the call succeeded: ${JSON.stringify(result)?.slice(0, 300)}`);
}

// ---------------------------------------------------------------------------------------------
// The CLI

export interface RunCliOptions {
  /** Default: the moto admin. */
  creds?: Credentials;
  /** Applied last; undefined deletes a variable (e.g. { AWS_ACCESS_KEY_ID: undefined }). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (stdin is always closed). */
  input?: string;
  /** Default: the fresh HOME directory. */
  cwd?: string;
  /** Kill the CLI (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
  /** Send `signal` once: as soon as stderr matches `stderrMatches`, or `afterMs` after the start. */
  signalWhen?: { stderrMatches?: RegExp; afterMs?: number; signal: NodeJS.Signals };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The HOME the CLI ran with (fresh per call unless opts.env.HOME was given). */
  home: string;
}

/**
 * Runs `node bin/s3-share ...args` against moto with a clean environment: PATH, a fresh HOME (no
 * ~/.aws leaks in), AWS_ENDPOINT_URL, AWS_REGION=us-east-1, the given keys (default: admin), no
 * AWS_PROFILE; then opts.env.
 */
export function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const state = readState();
  if (!state.available) throw new Error(`moto is not available: ${state.reason}`);
  const creds = opts.creds ?? state.admin;
  const freshHome = fs.mkdtempSync(path.join(state.scratchDir, 'home-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: freshHome,
    AWS_ENDPOINT_URL: state.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const home = env.HOME ?? freshHome;
  const timeoutMs = opts.timeoutMs ?? 30_000;

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: opts.cwd ?? home,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    let signalled = false;
    const sendSignal = () => {
      if (signalled || !opts.signalWhen) return;
      signalled = true;
      child.kill(opts.signalWhen.signal);
    };
    const signalTimer = opts.signalWhen?.afterMs !== undefined ? setTimeout(sendSignal, opts.signalWhen.afterMs) : undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      if (opts.signalWhen?.stderrMatches?.test(Buffer.concat(stderr).toString('utf8'))) sendSignal();
    });
    child.stdin.on('error', () => undefined); // EPIPE when the CLI exits without reading stdin
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(signalTimer);
      const err = Buffer.concat(stderr).toString('utf8');
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: timedOut ? `${err}\n[runCli: killed after ${timeoutMs} ms]` : err,
        home,
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}
