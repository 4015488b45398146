/**
 * Presigned URLs: a link that downloads one object, or takes one upload (a PUT) to one key, with
 * no credentials of its own. It is signed with the caller's credentials and lives at most 7 days
 * (SigV4's limit), and no longer than those credentials.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BuildMiddleware, MetadataBearer, MiddlewareStack } from '@aws-sdk/types';

export interface ShareInput {
  bucket: string;
  key: string;
  expiresIn: number;
  upload?: boolean;
  contentType?: string;
  /** For the Expires field; defaults to the clock. */
  now?: Date;
}

export interface ShareLink {
  URL: string;
  Method: 'GET' | 'PUT';
  Bucket: string;
  Key: string;
  ContentType?: string;
  Expires: string;
  ExpiresIn: number;
}

export interface SigningCredentials {
  /** A session token is present: the URL stops working when the session ends. */
  temporary: boolean;
  expiration?: Date;
}

export interface SharedLink {
  link: ShareLink;
  credentials: SigningCredentials;
}

/** Drops the body checksum headers (the value, and the algorithm that asks S3 to expect one). */
const withoutBodyChecksum: BuildMiddleware<object, MetadataBearer> = (next) => async (args) => {
  const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers ?? {};
  for (const name of Object.keys(headers)) {
    if (/^x-amz-(checksum-(?!mode$)|sdk-checksum-algorithm$)/i.test(name)) delete headers[name];
  }
  return next(args);
};

/** Signs the link with the client's credentials; says whether those are temporary, and until when. */
export async function createShareLink(s3: S3Client, input: ShareInput): Promise<SharedLink> {
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const now = input.now ?? new Date();
  const command = input.upload
    ? new PutObjectCommand({ Bucket: input.bucket, Key: input.key, ContentType: input.contentType })
    : new GetObjectCommand({ Bucket: input.bucket, Key: input.key });
  // Since SDK 3.729 a PutObject carries a CRC32 of its body by default; at signing time there is
  // no body, so the URL would demand the checksum of an empty file and S3 would refuse every real
  // upload (BadDigest; aws/aws-sdk-js-v3#6994). The uploader's body is not known: sign none.
  (command.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(withoutBodyChecksum, {
    step: 'build',
    priority: 'low',
    name: 's3shareNoPresignedChecksum',
  });
  const URL = await getSignedUrl(s3, command, {
    expiresIn: input.expiresIn,
    signingDate: now,
    // The presigner leaves Content-Type unsigned by default; signed, the uploader must send it as given.
    ...(input.upload && input.contentType ? { signableHeaders: new Set(['content-type']) } : {}),
  });
  const identity = await s3.config.credentials();
  return {
    link: {
      URL,
      Method: input.upload ? 'PUT' : 'GET',
      Bucket: input.bucket,
      Key: input.key,
      ...(input.upload && input.contentType ? { ContentType: input.contentType } : {}),
      Expires: new Date(now.getTime() + input.expiresIn * 1000).toISOString(),
      ExpiresIn: input.expiresIn,
    },
    credentials: { temporary: !!identity.sessionToken, expiration: identity.expiration },
  };
}

/** What the person running `share` should know about the link's lifetime, one line each. */
export function lifetimeWarnings(shared: SharedLink): string[] {
  const { credentials, link } = shared;
  if (!credentials.temporary) return [];
  const warnings = [
    'the URL is signed with temporary credentials (a session token): it stops working when they expire, whatever --expires says',
  ];
  if (credentials.expiration && credentials.expiration.getTime() < Date.parse(link.Expires)) {
    warnings.push(
      `the credentials expire at ${credentials.expiration.toISOString()}, before the URL's ${link.Expires}: sign with long-term credentials for a longer link`,
    );
  }
  return warnings;
}

/** A shell-quoted single argument. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** How the recipient of an upload link uses it. */
export function uploadHint(link: ShareLink): string {
  const type = link.ContentType ? ` -H ${shellQuote(`Content-Type: ${link.ContentType}`)}` : '';
  return `upload with: curl -X PUT -T FILE${type} ${shellQuote(link.URL)}${link.ContentType ? ' (the Content-Type must be sent exactly as signed)' : ''}`;
}
