import {
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketWebsiteCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type Grant,
  type Owner,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode } from '../../aws/errors';
import { createLimiter, mapOrdered } from '../concurrency';

export interface BucketRecord {
  Name: string;
  CreationDate?: string;
  Region?: string;
  Versioning?: string;
  PublicAccessBlock?: PublicAccessBlockConfiguration | null;
  HasBucketPolicy?: boolean;
  /** Who owns the bucket and the grants of its ACL. */
  Acl?: { Owner?: Owner; Grants: Grant[] };
  /** The static-website configuration and its URL; null when the bucket is not a website. */
  Website?: { Url: string; IndexDocument?: string; ErrorDocument?: string; RedirectAllRequestsTo?: string } | null;
  /** Details that could not be read, with the AWS error code, e.g. { Versioning: "AccessDenied" }. */
  DetailErrors?: Record<string, string>;
}

export interface ListBucketsInput {
  names?: string[];
  details?: boolean;
  concurrency: number;
}

/**
 * Regions whose S3 website endpoint joins with a dash (s3-website-REGION); every other region,
 * newer ones all, uses a dot (s3-website.REGION). AWS's "Website endpoints" page lists them.
 */
const DASH_WEBSITE_REGIONS = new Set([
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-west-1',
  'sa-east-1',
  'us-gov-west-1',
]);

/** The http URL a bucket configured as a website answers on. */
export function websiteUrl(bucket: string, region: string): string {
  const host = DASH_WEBSITE_REGIONS.has(region) ? `s3-website-${region}` : `s3-website.${region}`;
  return `http://${bucket}.${host}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`;
}

/** LocationConstraint is empty for us-east-1 and "EU" for the oldest eu-west-1 buckets. */
export function regionFromLocation(location: string | undefined | null): string {
  if (!location) return 'us-east-1';
  if (location === 'EU') return 'eu-west-1';
  return location;
}

async function* ownedBuckets(s3: S3Client): AsyncGenerator<{ Name: string; CreationDate?: string }> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListBucketsCommand({ ContinuationToken: token, MaxBuckets: 1000 }));
    for (const b of page.Buckets ?? []) yield { Name: b.Name ?? '', CreationDate: b.CreationDate?.toISOString() };
    token = page.ContinuationToken;
  } while (token);
}

/**
 * The caller's buckets (only the named ones when names are given), with --details fetched
 * concurrently. A detail the caller may not read is reported in DetailErrors instead of failing
 * the whole listing. Returns the names that were asked for but not found, once the list ends.
 */
export async function* listBuckets(s3: S3Client, input: ListBucketsInput, missing: string[] = []): AsyncGenerator<BucketRecord> {
  const wanted = input.names?.length ? new Set(input.names) : undefined;
  const found = new Set<string>();
  async function* selected() {
    for await (const b of ownedBuckets(s3)) {
      if (wanted && !wanted.has(b.Name)) continue;
      found.add(b.Name);
      yield b;
    }
  }
  if (!input.details) {
    for await (const b of selected()) yield b;
  } else {
    const limit = createLimiter(input.concurrency);
    yield* mapOrdered(selected(), input.concurrency, (b) => bucketDetails(s3, b, limit));
  }
  if (wanted) missing.push(...[...wanted].filter((n) => !found.has(n)));
}

// NoSuchBucket: the bucket was deleted between ListBuckets and its details; the listing is still
// right about the others, so that bucket's record says so instead of failing them all.
const DETAIL_ERRORS_TOLERATED = new Set(['AccessDenied', 'NotImplemented', 'MethodNotAllowed', 'NoSuchBucket']);

async function bucketDetails(
  s3: S3Client,
  bucket: { Name: string; CreationDate?: string },
  limit: ReturnType<typeof createLimiter>,
): Promise<BucketRecord> {
  const errors: Record<string, string> = {};
  const Bucket = bucket.Name;
  const attempt = async <T>(field: string, fn: () => Promise<T>, absent: (code: string) => T | undefined): Promise<T | undefined> => {
    try {
      return await limit(fn);
    } catch (err) {
      const code = errorCode(err);
      const value = absent(code);
      if (value !== undefined) return value;
      // Missing permission for one detail is worth reporting, not failing over; anything else
      // (network, throttling after retries, bad credentials) fails the command.
      if (!DETAIL_ERRORS_TOLERATED.has(code)) throw err;
      errors[field] = code;
      return undefined;
    }
  };
  const none = () => undefined;
  const [Region, Versioning, PublicAccessBlock, HasBucketPolicy, Acl, website] = await Promise.all([
    attempt('Region', async () => regionFromLocation((await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint), none),
    attempt('Versioning', async () => (await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status ?? 'Off', none),
    attempt(
      'PublicAccessBlock',
      async () => (await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration ?? null,
      (code) => (code === 'NoSuchPublicAccessBlockConfiguration' ? null : undefined),
    ),
    attempt(
      'HasBucketPolicy',
      async () => Boolean((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy),
      (code) => (code === 'NoSuchBucketPolicy' ? false : undefined),
    ),
    attempt(
      'Acl',
      async () => {
        const acl = await s3.send(new GetBucketAclCommand({ Bucket }));
        return { Owner: acl.Owner, Grants: acl.Grants ?? [] };
      },
      none,
    ),
    attempt(
      'Website',
      async () => {
        const w = await s3.send(new GetBucketWebsiteCommand({ Bucket }));
        return {
          IndexDocument: w.IndexDocument?.Suffix,
          ErrorDocument: w.ErrorDocument?.Key,
          RedirectAllRequestsTo: w.RedirectAllRequestsTo?.HostName,
        };
      },
      (code) => (code === 'NoSuchWebsiteConfiguration' ? null : undefined),
    ),
  ]);
  // The URL needs the region, which may not be readable; then there is no URL to give.
  const Website = website && Region ? { Url: websiteUrl(Bucket, Region), ...definedOnly(website) } : website === null ? null : undefined;
  return {
    ...bucket,
    Region,
    Versioning,
    PublicAccessBlock,
    HasBucketPolicy,
    Acl,
    Website,
    ...(Object.keys(errors).length ? { DetailErrors: errors } : {}),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
