/**
 * Turns an AWS SDK or network error into one line "<what went wrong> (<Code>): <what to do>".
 * AWS error codes are kept; AccessDenied names the refused action; bad or expired credentials say
 * exactly that (never "bucket not found").
 */
import { header, isForeignResponse, NOT_AWS_RESPONSE, OPERATION_CONTEXT, type OperationContext } from './clients';

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  BucketName?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  /** The raw HTTP response, which the SDK attaches when it could not make sense of one. */
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  [OPERATION_CONTEXT]?: OperationContext;
}

/** S3 operations authorised by an IAM action of another name. */
const S3_ACTIONS: Record<string, string> = {
  ListObjectsV2: 'ListBucket',
  ListObjects: 'ListBucket',
  HeadBucket: 'ListBucket',
  HeadObject: 'GetObject',
  ListObjectVersions: 'ListBucketVersions',
  ListMultipartUploads: 'ListBucketMultipartUploads',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  CopyObject: 'PutObject',
  DeleteObjects: 'DeleteObject',
  ListBuckets: 'ListAllMyBuckets',
  GetBucketVersioning: 'GetBucketVersioning',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  DeletePublicAccessBlock: 'PutBucketPublicAccessBlock',
  GetBucketWebsite: 'GetBucketWebsite',
  PutBucketWebsite: 'PutBucketWebsite',
};

/** The IAM action that authorises an SDK operation, e.g. s3:ListBucket for ListObjectsV2. */
export function actionFor(ctx: OperationContext | undefined): string | undefined {
  if (!ctx || !ctx.operation) return undefined;
  const name = ctx.service === 's3' ? (S3_ACTIONS[ctx.operation] ?? ctx.operation) : ctx.operation;
  return `${ctx.service}:${name}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function isAwsError(err: unknown): boolean {
  return (
    !!err &&
    typeof err === 'object' &&
    ('$metadata' in err ||
      OPERATION_CONTEXT in err ||
      (err as Error).name === 'CredentialsProviderError' ||
      // The HTTP handler's timeouts, also when one fires while a response body is being read.
      ((err as Error).name === 'TimeoutError' && /^@smithy\/node-http-handler/.test((err as Error).message ?? '')))
  );
}

/** The AWS error code of an SDK error (its name, or Code for some S3 errors). */
export function errorCode(err: unknown): string {
  const e = (err ?? {}) as AwsLikeError;
  return e.Code ?? e.name ?? e.code ?? 'Error';
}

/** IAM's "no such user, role, policy or profile": usually "already gone" or "not made yet". */
export function isNoSuchEntity(err: unknown): boolean {
  return /^NoSuchEntity/.test(errorCode(err));
}

export function describeAwsError(err: unknown): string {
  const e = (err ?? {}) as AwsLikeError;
  const code = errorCode(err);
  const message = oneLine(e.message ?? '');
  const action = actionFor(e[OPERATION_CONTEXT]);
  switch (code) {
    case 'CredentialsProviderError':
      return `no AWS credentials found (${oneLine(message)}): set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile or --auth FILE`;
    case 'InvalidClientTokenId':
    case 'InvalidAccessKeyId':
      return `the access key is not valid (${code}): check it, or if it was created seconds ago wait 10-15 s for IAM to make it usable`;
    case 'SignatureDoesNotMatch':
      return `the secret key does not match the access key (${code}): check the secret, --auth file or profile`;
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
      return `the session token has expired (${code}): get fresh temporary credentials and try again`;
    case 'InvalidToken':
      return `the session token is invalid (${code}): check AWS_SESSION_TOKEN or --session-token`;
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'UnauthorizedOperation': {
      const refused = /not authorized to perform:?\s*([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1] ?? action;
      // IAM says which resource; S3 says only "Access Denied", so name what the request was about.
      const resource = /on resource:?\s*(\S+?)[.,;]?(?:\s|$)/.exec(message)?.[1] ?? e[OPERATION_CONTEXT]?.resource;
      const on = refused && resource ? ` on ${resource}` : '';
      const detail = refused ? `these credentials may not call ${refused}${on}` : 'these credentials are not allowed to do that';
      return `access denied: ${detail} (${code}): use credentials whose policy allows ${refused ?? 'it'}`;
    }
    case 'NoSuchBucket':
      return `${e.BucketName ? `bucket ${e.BucketName}` : 'the bucket'} does not exist (NoSuchBucket): check the name, or create it`;
    case 'Throttling':
    case 'ThrottlingException':
    case 'SlowDown':
    case 'RequestLimitExceeded':
    case 'TooManyRequestsException':
      return `AWS kept throttling requests${action ? ` to ${action}` : ''} after ${e.$metadata?.attempts ?? 'several'} attempts (${code}): try again later or lower --concurrency`;
  }
  const timeout = timeoutError(e, action);
  if (timeout) return timeout;
  const net = networkError(e, action);
  if (net) return net;
  const unparsed = /^(Unknown|UnknownError)$/.test(code) || /^(Unknown|UnknownError)?$/.test(message);
  if (
    code === NOT_AWS_RESPONSE ||
    isForeignResponse(e.$response, unparsed) ||
    /Deserialization error|XML parse error|Unexpected token .* JSON/.test(message)
  ) {
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
    const type = header(e.$response?.headers, 'content-type')?.split(';')[0];
    const what = [status ? `HTTP ${status}` : '', type ?? ''].filter(Boolean).join(', ');
    const endpoint = e[OPERATION_CONTEXT]?.endpoint;
    return `the endpoint${endpoint ? ` ${endpoint}` : ''} answered${action ? ` ${action}` : ''} with something that is not an AWS response${what ? ` (${what})` : ''}: check --endpoint-url, proxies and the region`;
  }
  const what = (message || 'AWS request failed').replace(/\.$/, '');
  return `${what} (${code}${action ? ` from ${action}` : ''})`;
}

/** Which of the HTTP handler's timeouts fired: connecting, or waiting in silence for the answer. */
function timeoutError(e: AwsLikeError, action: string | undefined): string | undefined {
  if (e.name !== 'TimeoutError') return undefined;
  const op = e[OPERATION_CONTEXT];
  const where = op?.endpoint ?? 'AWS';
  const attempts = e.$metadata?.attempts;
  const tried = `TimeoutError${action ? ` from ${action}` : ''}${attempts && attempts > 1 ? `, ${attempts} attempts` : ''}`;
  const ms = /(?:within the configured timeout of|after) (\d+) ms/.exec(e.message ?? '')?.[1];
  const seconds = (value: number | undefined) => (value ? `${+(value / 1000).toFixed(3)} s` : 'too long');
  if (/did not establish a connection/.test(e.message ?? '')) {
    return `cannot connect to ${where}: no connection within ${seconds(ms ? +ms : op?.connectTimeoutMs)} (${tried}): check the network, proxies, --endpoint-url and --region, or raise --connect-timeout`;
  }
  return `${where} stopped answering: nothing received for ${seconds(ms ? +ms : op?.readTimeoutMs)} (${tried}): check --endpoint-url, proxies and firewalls, or raise --read-timeout if the endpoint is just slow`;
}

function networkError(e: AwsLikeError, action?: string): string | undefined {
  const code = e.code ?? e.name;
  if (!code) return undefined;
  const known: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused',
    ENOTFOUND: 'the host name was not found',
    EAI_AGAIN: 'the host name could not be resolved',
    ETIMEDOUT: 'the connection timed out',
    ECONNRESET: 'the connection was reset',
    EPIPE: 'the connection was closed',
    TimeoutError: 'the request timed out',
  };
  if (!known[code]) return undefined;
  const endpoint = e[OPERATION_CONTEXT]?.endpoint;
  const where = endpoint ? `${endpoint}${action ? ` (${action})` : ''}` : 'AWS';
  return `cannot reach ${where}: ${known[code]} (${code}): check the network, --endpoint-url and --region`;
}
