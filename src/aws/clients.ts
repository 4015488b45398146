/**
 * The one place that builds IAM, S3 and STS clients from an AwsContext. Each client is imported
 * lazily, so a command loads only the SDK packages it uses.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsContext } from './config';

/** Annotation that the error-context middleware puts on every failed call. */
export interface OperationContext {
  service: string;
  operation: string;
  /** What the call was about, when the request names it: s3://bucket or s3://bucket/key. */
  resource?: string;
}

export const OPERATION_CONTEXT = Symbol.for('s3-share.operation');

type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

async function credentialsFor(ctx: AwsContext): Promise<Credentials> {
  if (ctx.credentials.kind === 'static') return ctx.credentials.credentials;
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  // A named profile takes precedence over environment credentials, as in the AWS CLI.
  return fromNodeProviderChain(ctx.credentials.profile ? { profile: ctx.credentials.profile } : {});
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

async function baseConfig(ctx: AwsContext) {
  return {
    region: ctx.region,
    credentials: await sharedCredentials(ctx),
    retryMode: 'adaptive' as const,
    maxAttempts: ctx.maxAttempts,
    ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}),
  };
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      mw: (
        next: (args: { input?: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input?: unknown }) => Promise<unknown>,
      opts: { step: 'initialize'; name: string },
    ): void;
  };
}

function resourceOf(input: unknown): string | undefined {
  const { Bucket, Key } = (input ?? {}) as { Bucket?: unknown; Key?: unknown };
  if (typeof Bucket !== 'string') return undefined;
  return typeof Key === 'string' ? `s3://${Bucket}/${Key}` : `s3://${Bucket}`;
}

/** Tags every error with the service, operation and resource that failed, so messages can name them. */
function tagErrors<C>(client: C, service: string): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (err && typeof err === 'object') {
          const operation = (context.commandName ?? '').replace(/Command$/, '');
          const value: OperationContext = { service, operation, resource: resourceOf(args.input) };
          Object.defineProperty(err, OPERATION_CONTEXT, { value, enumerable: false, configurable: true });
        }
        throw err;
      }
    },
    { step: 'initialize', name: 's3shareOperationContext' },
  );
  return client;
}

export async function createIamClient(ctx: AwsContext): Promise<IAMClient> {
  const { IAMClient } = await import('@aws-sdk/client-iam');
  return tagErrors(new IAMClient(await baseConfig(ctx)), 'iam');
}

export async function createStsClient(ctx: AwsContext): Promise<STSClient> {
  const { STSClient } = await import('@aws-sdk/client-sts');
  return tagErrors(new STSClient(await baseConfig(ctx)), 'sts');
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
      ...(agent ? { requestHandler: { httpAgent: agent, httpsAgent: agent } } : {}),
      region: region ?? config.region,
      forcePathStyle: ctx.endpoint !== undefined,
      // A bucket in another region answers 301; follow it rather than fail.
      followRegionRedirects: true,
    }),
    's3',
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
