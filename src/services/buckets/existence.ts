/**
 * The buckets a new grant is for: each must exist (or, with -c, is created in the given region),
 * and --public/--website open them up. Read-only checks happen while planning; the writes are
 * plan steps, undone on rollback.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  HeadBucketCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode } from '../../aws/errors';
import { OperationError } from '../../errors';
import type { Reporter } from '../../output/reporter';
import { step, type PlanStep } from '../plan';
import { publicBucketSteps } from './public-website';

export interface BucketClients {
  s3: S3Client;
  /** An S3 client for another region (CreateBucket must go to the bucket's own region). */
  s3InRegion(region: string): Promise<S3Client>;
}

export interface BucketRequest {
  buckets: string[];
  /** -c: create the buckets that do not exist. */
  createBucket: boolean;
  /** Where -c creates buckets. */
  bucketRegion: string;
  public?: boolean;
  website?: boolean;
  /** The account that owns the buckets, when it is not the caller's (--bucket-owner). */
  bucketOwner?: string;
}

/**
 * Whether a bucket exists. A 403 means it exists but these credentials may not look at it: an
 * error, unless the bucket is declared another account's (--bucket-owner), whose bucket policy is
 * then what grants access and cannot be checked from here.
 */
export async function bucketExists(s3: S3Client, bucket: string, reporter: Reporter, expectedOwner?: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket, ...(expectedOwner ? { ExpectedBucketOwner: expectedOwner } : {}) }));
    return true;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const code = errorCode(err);
    if (status === 404 || code === 'NotFound' || code === 'NoSuchBucket') return false;
    if (status === 403 || code === 'Forbidden' || code === 'AccessDenied') {
      if (expectedOwner) {
        reporter.info(
          `bucket ${bucket} exists but these credentials may not look at it (403): taking it to be account ${expectedOwner}'s, as --bucket-owner says; that account's bucket policy must grant the new user access`,
        );
        return true;
      }
      throw new OperationError(
        `bucket ${bucket} exists but these credentials may not see it (403 Forbidden): bucket names are global, so it may be another account's; check the name, use credentials allowed s3:ListBucket on it, or if it is in another account add --bucket-owner ACCOUNT_ID`,
        'Forbidden',
      );
    }
    throw err;
  }
}

export async function bucketSteps(clients: BucketClients, input: BucketRequest, reporter: Reporter): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  const created = new Set<string>();
  for (const bucket of input.buckets) {
    if (await bucketExists(clients.s3, bucket, reporter, input.bucketOwner)) {
      if (input.createBucket) reporter.info(`bucket ${bucket} exists already: using it`);
    } else if (!input.createBucket) {
      throw new OperationError(
        `bucket ${bucket} does not exist (NoSuchBucket): check the name, or add -c/--create-bucket to create it`,
        'NoSuchBucket',
      );
    } else {
      created.add(bucket);
      steps.push(createBucketStep(clients, bucket, input.bucketRegion));
    }
  }
  if (input.public || input.website) {
    steps.push(...(await publicBucketSteps(clients.s3, input.buckets, { public: !!input.public, website: !!input.website, created })));
  }
  return steps;
}

function createBucketStep(clients: BucketClients, bucket: string, region: string): PlanStep {
  // us-east-1 is the one region that must not be named as a LocationConstraint.
  const config = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  const request = { Bucket: bucket, ...config };
  return step<unknown>({
    service: 's3',
    operation: 'CreateBucket',
    description: `create bucket ${bucket} in ${region}`,
    input: request,
    run: async () => (await clients.s3InRegion(region)).send(new CreateBucketCommand(request)),
    undo: () => ({
      description: `delete bucket ${bucket}`,
      run: async () => (await clients.s3InRegion(region)).send(new DeleteBucketCommand({ Bucket: bucket })),
    }),
  });
}
