/**
 * `localserver`: an HTTP server on this machine that hands out temporary credentials in the
 * shape a `credential_process` prints, for tools that fetch credentials over HTTP (curl in a
 * profile's credential_process, the SDKs' HTTP providers).
 *
 * Three parts, each testable alone:
 *  - temporaryCredentialIssuer: one AssumeRole on s3-share's temporary role with the policy as
 *    session policy, exactly as `create --duration` makes them (temporary.ts's plan, reused);
 *  - credentialCache: holds the current credentials, refreshes them in the background a margin
 *    before they expire, and never hands out expired ones;
 *  - serveCredentials: the HTTP server, which answers GET / and logs each request without body.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeAwsError, isAwsError } from '../../aws/errors';
import { OperationError } from '../../errors';
import { silentReporter, type Reporter } from '../../output/reporter';
import { executePlan } from '../plan';
import { bucketExists } from '../buckets/existence';
import type { Caller } from '../users/identity';
import type { CreateClients, CreateInput } from './create-input';
import { getRole } from './role-steps';
import { TEMPORARY_ROLE_NAME, temporaryPlan } from './temporary';

/** What the server hands out: STS's four values, with the expiry as a Date. */
export interface ServedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

export type IssueCredentials = () => Promise<ServedCredentials>;

function reasonOf(err: unknown): string {
  return isAwsError(err) ? describeAwsError(err) : err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------
// Issuing

/** Every bucket must exist before a server is started for it, as s3-credentials checks too. */
export async function checkBucketsExist(clients: Pick<CreateClients, 's3'>, buckets: string[], reporter: Reporter): Promise<void> {
  for (const bucket of buckets) {
    if (!(await bucketExists(clients.s3, bucket, reporter))) {
      throw new OperationError(`bucket ${bucket} does not exist (NoSuchBucket): check the name, or create it first`, 'NoSuchBucket');
    }
  }
}

/** Whether s3-share's shared temporary role exists already (the first issue makes it otherwise). */
export async function temporaryRoleExists(iam: IAMClient): Promise<boolean> {
  return (await getRole(iam, TEMPORARY_ROLE_NAME)) !== undefined;
}

/**
 * Issues credentials as `create --duration` does. The first call runs the whole plan with the
 * caller's reporter (it may create the shared role, and rolls that back if it fails); later calls
 * only assume the role again, quietly: the cache reports each refresh in one line.
 */
export function temporaryCredentialIssuer(
  clients: CreateClients,
  input: CreateInput,
  me: Caller,
  reporter: Reporter,
  signal?: AbortSignal,
): IssueCredentials {
  let first = true;
  return async () => {
    const quiet = first ? reporter : silentReporter;
    const plan = await temporaryPlan(clients, input, me, [], quiet);
    const results = await executePlan(plan, { reporter: quiet, signal: first ? signal : undefined });
    first = false;
    const c = plan.credentials(results);
    if (!c.SessionToken) throw new OperationError('STS returned credentials without a session token: try again');
    const expiration = c.Expiration ? new Date(c.Expiration) : undefined;
    if (!expiration || Number.isNaN(expiration.getTime())) {
      throw new OperationError('STS returned credentials without an expiry time: they cannot be refreshed in time; try again');
    }
    return { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: expiration };
  };
}

// ---------------------------------------------------------------------------------------------
// The cache

/** No valid credentials can be served: the cached ones expired and refreshing them failed. */
export class CredentialsUnavailableError extends Error {
  override readonly name = 'CredentialsUnavailableError';
}

export interface CacheOptions {
  /** Refresh this long before the credentials expire. */
  refreshBeforeMs: number;
  /** After a failed refresh, try again this much later (default 30 s). */
  retryMs?: number;
  reporter: Reporter;
  now?: () => number;
}

export interface CredentialCache {
  /** Issues the first credentials; throws when they cannot be had (the server should not start). */
  start(): Promise<ServedCredentials>;
  /** Credentials to hand out now: never expired; throws CredentialsUnavailableError otherwise. */
  get(): Promise<ServedCredentials>;
  /** Stops the background refresh. */
  stop(): void;
  /** How many times credentials were issued. */
  readonly issued: number;
}

export const DEFAULT_RETRY_MS = 30_000;
/** Even credentials issued with less life than the margin are not re-issued faster than this. */
export const MIN_REFRESH_INTERVAL_MS = 1000;

export function credentialCache(issue: IssueCredentials, opts: CacheOptions): CredentialCache {
  const now = opts.now ?? Date.now;
  const retryMs = opts.retryMs ?? DEFAULT_RETRY_MS;
  const { reporter, refreshBeforeMs } = opts;
  let current: ServedCredentials | undefined;
  let inFlight: Promise<ServedCredentials> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastFailureAt = -Infinity;
  let lastFailure = '';
  let stopped = false;
  let issued = 0;

  const remaining = (c: ServedCredentials) => c.Expiration.getTime() - now();
  const valid = (c: ServedCredentials | undefined): c is ServedCredentials => !!c && remaining(c) > 0;

  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (stopped) return;
    // A failed background refresh is reported where it fails; nothing is left to catch here.
    timer = setTimeout(() => void refresh().catch(() => undefined), ms);
    // The server keeps the process alive; a pending refresh alone must not.
    timer.unref?.();
  };

  const accept = (c: ServedCredentials): ServedCredentials => {
    current = c;
    issued++;
    lastFailureAt = -Infinity;
    schedule(Math.max(MIN_REFRESH_INTERVAL_MS, remaining(c) - refreshBeforeMs));
    return c;
  };

  const refresh = (): Promise<ServedCredentials> => {
    inFlight ??= issue().then(
      (c) => {
        inFlight = undefined;
        accept(c);
        reporter.info(`refreshed the credentials: the new ones expire at ${c.Expiration.toISOString()}`);
        return c;
      },
      (err: unknown) => {
        inFlight = undefined;
        lastFailureAt = now();
        lastFailure = reasonOf(err);
        const seconds = Math.round(retryMs / 1000);
        if (valid(current)) {
          reporter.warn(
            `could not refresh the credentials: ${lastFailure}; serving the current ones until they expire at ${current.Expiration.toISOString()}; trying again in ${seconds} s`,
          );
          schedule(Math.min(retryMs, Math.max(MIN_REFRESH_INTERVAL_MS, remaining(current))));
        } else {
          reporter.warn(
            `could not refresh the credentials: ${lastFailure}; the last ones have expired, so requests get 503 until a refresh works; trying again in ${seconds} s`,
          );
          schedule(retryMs);
        }
        throw err;
      },
    );
    return inFlight;
  };

  const unavailable = () =>
    new CredentialsUnavailableError(`no valid credentials: the last ones expired and refreshing them failed: ${lastFailure}`);

  return {
    async start() {
      return accept(await issue());
    },
    async get() {
      if (current && remaining(current) > refreshBeforeMs) return current;
      // Due for a refresh (a late timer, a sleeping laptop, or refreshes failing): try now, unless
      // one failed moments ago, so that a burst of requests does not become a burst of AssumeRole.
      if (inFlight || now() - lastFailureAt >= retryMs) {
        try {
          return await refresh();
        } catch {
          // Reported by refresh(); the current credentials may still be good for a while.
        }
      }
      if (valid(current)) return current;
      throw unavailable();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    get issued() {
      return issued;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The server

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The host part of a Host header ('127.0.0.1:8094', '[::1]:8094', 'localhost'). */
function hostOfHeader(header: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(header.trim());
  return m ? m[1]! : header;
}

export interface ServerOptions {
  host: string;
  port: number;
  reporter: Reporter;
}

export interface RunningServer {
  /** http://host:port/ with the port actually bound (port 0 picks a free one). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The JSON a credential_process prints (Version 1). */
export function credentialProcessJson(c: ServedCredentials): string {
  return JSON.stringify(
    {
      Version: 1,
      AccessKeyId: c.AccessKeyId,
      SecretAccessKey: c.SecretAccessKey,
      SessionToken: c.SessionToken,
      Expiration: c.Expiration.toISOString(),
    },
    null,
    2,
  );
}

/**
 * Serves GET / with the cache's credentials. On a loopback address a request whose Host header
 * names another host is refused: a web page could otherwise read the credentials through a DNS
 * name that it makes resolve to 127.0.0.1 (DNS rebinding).
 */
export async function serveCredentials(cache: Pick<CredentialCache, 'get'>, opts: ServerOptions): Promise<RunningServer> {
  const { reporter } = opts;
  const loopback = isLoopbackHost(opts.host);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : `${body}\n`);
      return status;
    };
    const error = (status: number, message: string, headers?: Record<string, string>) =>
      send(status, JSON.stringify({ error: message }), headers);
    if (loopback && !isLoopbackHost(hostOfHeader(req.headers.host ?? ''))) {
      return error(403, 'this server answers only requests addressed to a loopback host (127.0.0.1, localhost, [::1])');
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/') return error(404, 'not found: the credentials are at /');
    if (req.method !== 'GET' && req.method !== 'HEAD') return error(405, 'method not allowed: use GET', { Allow: 'GET, HEAD' });
    try {
      return send(200, credentialProcessJson(await cache.get()));
    } catch (err) {
      const message = reasonOf(err);
      reporter.warn(`served 503: ${message}`);
      return error(503, message);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).then(
      (status) => {
        // The request line only: never a body, never a header (an Authorization could be one).
        const target = (req.url ?? '').slice(0, 200);
        reporter.info(`${new Date().toISOString()} ${req.socket.remoteAddress ?? '?'} "${req.method} ${target}" ${status}`);
      },
      () => {
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, opts)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listenError(err: NodeJS.ErrnoException, { host, port }: ServerOptions): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new OperationError(`port ${port} on ${host} is already in use: stop what uses it, or choose another port with -p`);
    case 'EACCES':
      return new OperationError(`may not listen on port ${port} on ${host} (permission denied): choose a port above 1023 with -p`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OperationError(`cannot listen on ${host}: it is not an address of this machine: give one of its addresses with --host`);
    default:
      return new OperationError(`cannot listen on ${host}:${port}: ${err.message}: choose another --host or -p`);
  }
}
