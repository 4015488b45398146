/**
 * The one place that builds IAM, S3 and STS clients from an AwsContext. Each client is imported
 * lazily, so a command loads only the SDK packages it uses.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsContext } from './config';
import pkg from '../../package.json';

/** Annotation that the error-context middleware puts on every failed call. */
export interface OperationContext {
  service: string;
  operation: string;
  /** What the call was about, when the request names it: s3://bucket or s3://bucket/key. */
  resource?: string;
  /** Where the request went (scheme, host and port), once the endpoint was resolved. */
  endpoint?: string;
  /** The timeouts the request ran with, in milliseconds (0: none), to name them when one fires. */
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

export const OPERATION_CONTEXT = Symbol.for('s3-share.operation');

/** Set on the error a client raises for a successful HTTP answer that did not come from AWS. */
export const NOT_AWS_RESPONSE = 'NotAnAwsResponse';

export function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * Whether an HTTP answer came from someone other than AWS: it lacks the request id that AWS (and
 * S3-compatible servers) put on every answer, and it is a web page, or (`unparsed`) the SDK could
 * make nothing of it. An HTML object fetched from S3 has the request id, so it is never mistaken.
 */
export function isForeignResponse(response: { headers?: Record<string, string | undefined> } | undefined, unparsed = false): boolean {
  if (!response) return false;
  const headers = response.headers ?? {};
  if (Object.keys(headers).some((k) => /^x-amzn?-request-?id$|^x-amz-id-2$/i.test(k))) return false;
  return unparsed || /^text\/html\b/i.test(header(headers, 'content-type') ?? '');
}

type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

async function credentialsFor(ctx: AwsContext): Promise<Credentials> {
  if (ctx.credentials.kind === 'static') return ctx.credentials.credentials;
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  // A named profile takes precedence over environment credentials, as in the AWS CLI. The chain's
  // own logger prints a multi-line warning when both are set; resolveAwsContext says that in one
  // line instead (and --silent silences it), so the chain gets a logger that keeps quiet.
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  return fromNodeProviderChain({ ...(ctx.credentials.profile ? { profile: ctx.credentials.profile } : {}), logger: quiet });
}

const providerCache = new WeakMap<AwsContext, Promise<Credentials>>();

function sharedCredentials(ctx: AwsContext): Promise<Credentials> {
  let p = providerCache.get(ctx);
  if (!p) {
    p = credentialsFor(ctx);
    providerCache.set(ctx, p);
  }
  return p;
}

/**
 * Every request gets a connection timeout and a read timeout. The read timeout is the socket's
 * inactivity timeout (the handler's socketTimeout), not a limit on the whole request: a long
 * download or upload that keeps moving bytes never trips it, an endpoint that goes silent does.
 * Each retry gets the same limits, so a stalled endpoint costs at most maxAttempts of them.
 */
function timeouts(ctx: AwsContext) {
  return { connectionTimeout: ctx.connectTimeoutMs, socketTimeout: ctx.readTimeoutMs };
}

async function baseConfig(ctx: AwsContext) {
  return {
    region: ctx.region,
    credentials: await sharedCredentials(ctx),
    retryMode: ctx.retryMode,
    maxAttempts: ctx.maxAttempts,
    // Recognisable in CloudTrail's userAgent field, after the SDK's own.
    customUserAgent: `s3-share/${pkg.version}`,
    requestHandler: timeouts(ctx),
    ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}),
  };
}

interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: { destroy?: () => void };
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      mw: (
        next: (args: { input?: unknown }) => Promise<{ response?: unknown }>,
        context: { commandName?: string; endpointV2?: { url?: URL } },
      ) => (args: { input?: unknown }) => Promise<unknown>,
      opts: { step: 'initialize' | 'deserialize'; name: string; priority?: 'low' },
    ): void;
  };
}

function resourceOf(input: unknown): string | undefined {
  const { Bucket, Key } = (input ?? {}) as { Bucket?: unknown; Key?: unknown };
  if (typeof Bucket !== 'string') return undefined;
  return typeof Key === 'string' ? `s3://${Bucket}/${Key}` : `s3://${Bucket}`;
}

/** Tags every error with the service, operation and resource that failed, so messages can name them. */
function tagErrors<C>(client: C, service: string, ctx: AwsContext): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (err && typeof err === 'object') {
          const operation = (context.commandName ?? '').replace(/Command$/, '');
          const value: OperationContext = {
            service,
            operation,
            resource: resourceOf(args.input),
            endpoint: context.endpointV2?.url?.origin,
            connectTimeoutMs: ctx.connectTimeoutMs,
            readTimeoutMs: ctx.readTimeoutMs,
          };
          Object.defineProperty(err, OPERATION_CONTEXT, { value, enumerable: false, configurable: true });
        }
        throw err;
      }
    },
    { step: 'initialize', name: 's3shareOperationContext' },
  );
  // A web page answering 200 (a captive portal, a wrong --endpoint-url) parses as an empty AWS
  // answer: whoami would print an empty identity. Refuse it before the SDK parses it.
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as RawResponse | undefined;
      if (response && (response.statusCode ?? 0) < 300 && isForeignResponse(response)) {
        response.body?.destroy?.();
        throw Object.assign(new Error('the answer is a web page, not an AWS response'), {
          name: NOT_AWS_RESPONSE,
          $response: { statusCode: response.statusCode, headers: response.headers },
          $metadata: { httpStatusCode: response.statusCode },
        });
      }
      return result;
    },
    { step: 'deserialize', name: 's3shareForeignResponse', priority: 'low' },
  );
  return client;
}

export async function createIamClient(ctx: AwsContext): Promise<IAMClient> {
  const { IAMClient } = await import('@aws-sdk/client-iam');
  return tagErrors(new IAMClient(await baseConfig(ctx)), 'iam', ctx);
}

export async function createStsClient(ctx: AwsContext): Promise<STSClient> {
  const { STSClient } = await import('@aws-sdk/client-sts');
  return tagErrors(new STSClient(await baseConfig(ctx)), 'sts', ctx);
}

/** For commands that need more than the context gives: another identity, more sockets. */
export interface S3ClientOptions {
  /** Use these credentials (e.g. an assumed role's) instead of the context's. */
  credentials?: AwsCredentialIdentityProvider;
  /** Keep-alive sockets per host (the SDK's default is 50); at least the requests in flight. */
  maxSockets?: number;
}

/** A custom endpoint (moto, MinIO) needs path-style addressing: bucket names are not DNS names there. */
export async function createS3Client(ctx: AwsContext, region?: string, options: S3ClientOptions = {}): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const config = await baseConfig(ctx);
  const agent = options.maxSockets ? { keepAlive: true, maxSockets: options.maxSockets } : undefined;
  return tagErrors(
    new S3Client({
      ...config,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      requestHandler: { ...timeouts(ctx), ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}) },
      region: region ?? config.region,
      forcePathStyle: ctx.endpoint !== undefined,
      // A bucket in another region answers 301; follow it rather than fail.
      followRegionRedirects: true,
    }),
    's3',
    ctx,
  );
}

/** A key just made, as IAM returns it and the credential formats print it. */
export interface NewAccessKey {
  AccessKeyId: string;
  SecretAccessKey: string;
}

/** Clients that sign with a key just made, to probe whether it works yet; otherwise as `ctx` says. */
export async function clientsForKey(ctx: AwsContext, key: NewAccessKey): Promise<{ sts: STSClient; s3: S3Client }> {
  const keyCtx: AwsContext = {
    ...ctx,
    credentials: { kind: 'static', origin: 'flags', credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey } },
  };
  return { sts: await createStsClient(keyCtx), s3: await createS3Client(keyCtx) };
}
