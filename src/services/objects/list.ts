/**
 * Listing a bucket's objects (streamed page by page), their https URLs, and the folders a caller
 * may list, read from its own inline policies, to explain an AccessDenied on a bucket-wide listing.
 */
import { GetBucketLocationCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import { errorCode } from '../../aws/errors';
import { OperationError } from '../../errors';
import { listablePrefixes } from '../../policies/prefix-grants';
import { decodePolicyDocument } from '../../policies/statements';

export interface ObjectRecord {
  Key: string;
  Size: number;
  LastModified: string | undefined;
  ETag: string | undefined;
  StorageClass: string | undefined;
  URL?: string;
}

export interface ListObjectsInput {
  bucket: string;
  /** A folder ending in '/', or undefined for the whole bucket. */
  prefix?: string;
  /** Page size (S3's maximum, 1,000, by default). */
  pageSize?: number;
  /** Adds URL to each record. */
  urlFor?: (key: string) => string;
}

/** Every object under the prefix, as S3 returns them (in key order), one page at a time. */
export async function* listObjects(s3: S3Client, input: ListObjectsInput): AsyncGenerator<ObjectRecord> {
  const pages = paginateListObjectsV2({ client: s3, pageSize: input.pageSize ?? 1000 }, { Bucket: input.bucket, Prefix: input.prefix });
  for await (const page of pages) {
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      const record: ObjectRecord = {
        Key: o.Key,
        Size: o.Size ?? 0,
        LastModified: o.LastModified?.toISOString(),
        ETag: o.ETag,
        StorageClass: o.StorageClass,
      };
      if (input.urlFor) record.URL = input.urlFor(o.Key);
      yield record;
    }
  }
}

/** Just the keys, for commands that act on a listing. */
export async function* listKeys(s3: S3Client, bucket: string, prefix?: string): AsyncGenerator<string> {
  for await (const o of listObjects(s3, { bucket, prefix })) yield o.Key;
}

/** A key in a URL path: each segment percent-encoded, the slashes kept. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export interface UrlStyle {
  region: string;
  /** A custom endpoint (moto, MinIO): URLs are then path-style under it, as the client addresses it. */
  endpoint?: string;
}

/**
 * The https URL of an object. On AWS: virtual-hosted style (https://BUCKET.s3.REGION.amazonaws.com/KEY),
 * except for bucket names with dots, whose virtual host would not match S3's TLS certificate, which
 * get the path style https://s3.REGION.amazonaws.com/BUCKET/KEY. With a custom endpoint: ENDPOINT/BUCKET/KEY.
 */
export function objectUrl(bucket: string, key: string, style: UrlStyle): string {
  const path = encodeKey(key);
  if (style.endpoint) return `${style.endpoint.replace(/\/+$/, '')}/${bucket}/${path}`;
  const host = `s3.${style.region}.amazonaws.com`;
  return bucket.includes('.') ? `https://${host}/${bucket}/${path}` : `https://${bucket}.${host}/${path}`;
}

/** The bucket's region (GetBucketLocation), or undefined when the caller may not ask. */
export async function bucketRegion(s3: S3Client, bucket: string): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    // S3 answers no constraint for us-east-1 and 'EU' for the oldest eu-west-1 buckets.
    const c = out.LocationConstraint as string | undefined;
    return !c ? 'us-east-1' : c === 'EU' ? 'eu-west-1' : c;
  } catch {
    return undefined;
  }
}

/**
 * When the caller is an IAM user allowed to read its own inline policies, the prefixes they let
 * it list in the bucket. Any failure (not a user, no iam:ListUserPolicies) gives [].
 */
export async function ownListablePrefixes(clients: { sts: STSClient; iam: IAMClient }, bucket: string): Promise<string[]> {
  try {
    const [{ GetCallerIdentityCommand }, { ListUserPoliciesCommand, GetUserPolicyCommand }] = await Promise.all([
      import('@aws-sdk/client-sts'),
      import('@aws-sdk/client-iam'),
    ]);
    const { Arn } = await clients.sts.send(new GetCallerIdentityCommand({}));
    const user = /^arn:aws[a-z-]*:iam::\d+:user\/(?:.*\/)?([^/]+)$/.exec(Arn ?? '')?.[1];
    if (!user) return [];
    const { PolicyNames } = await clients.iam.send(new ListUserPoliciesCommand({ UserName: user }));
    const documents: unknown[] = [];
    for (const PolicyName of PolicyNames ?? []) {
      const { PolicyDocument } = await clients.iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName }));
      if (PolicyDocument) documents.push(decodePolicyDocument(PolicyDocument));
    }
    return listablePrefixes(documents, bucket);
  } catch {
    return [];
  }
}

/** Clients for the caller's identity and its own policies, made only when an error needs them. */
export interface CallerClientFactory {
  sts: () => Promise<STSClient>;
  iam: () => Promise<IAMClient>;
}

/**
 * An AccessDenied on a listing of the whole bucket usually means credentials limited to a folder:
 * say so, and name the folders when the caller may read its own inline policies. Other errors
 * are returned unchanged.
 */
export async function explainListingError(
  err: unknown,
  clients: CallerClientFactory,
  bucket: string,
  prefix: string | undefined,
): Promise<unknown> {
  if (prefix !== undefined || !/^AccessDenied/.test(errorCode(err))) return err;
  const folders = await ownListablePrefixes({ sts: await clients.sts(), iam: await clients.iam() }, bucket);
  const known = folders.length ? `; these credentials may list ${folders.map((f) => `--prefix ${f}`).join(' or ')}` : '';
  return new OperationError(
    `access denied listing the whole bucket ${bucket} (AccessDenied): if your credentials are limited to a folder, pass --prefix FOLDER/${known}`,
    'AccessDenied',
  );
}
