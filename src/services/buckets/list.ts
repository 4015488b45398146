import {
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
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
  /** Details that could not be read, with the AWS error code, e.g. { Versioning: "AccessDenied" }. */
  DetailErrors?: Record<string, string>;
}

export interface ListBucketsInput {
  names?: string[];
  details?: boolean;
  concurrency: number;
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

const DETAIL_ERRORS_TOLERATED = new Set(['AccessDenied', 'NotImplemented', 'MethodNotAllowed']);

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
  const [Region, Versioning, PublicAccessBlock, HasBucketPolicy] = await Promise.all([
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
  ]);
  return {
    ...bucket,
    Region,
    Versioning,
    PublicAccessBlock,
    HasBucketPolicy,
    ...(Object.keys(errors).length ? { DetailErrors: errors } : {}),
  };
}
