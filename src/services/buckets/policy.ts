/**
 * Reading a bucket's policy and its Object Ownership: what get-bucket-policy prints, and what
 * grant-account and revoke-account (cross-account.ts) start from.
 */
import { GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeAwsError, errorCode } from '../../aws/errors';
import { OperationError } from '../../errors';

function missingBucket(bucket: string, err: unknown): OperationError {
  const e = new OperationError(`bucket ${bucket} does not exist (NoSuchBucket): check the name and --region, or create it`, 'NoSuchBucket');
  (e as Error & { cause?: unknown }).cause = err;
  return e;
}

/** The stored policy text, or null when the bucket has none. NoSuchBucket is an OperationError. */
export async function getBucketPolicyText(s3: S3Client, bucket: string): Promise<string | null> {
  try {
    const out = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    return out.Policy ?? null;
  } catch (err) {
    const code = errorCode(err);
    if (code === 'NoSuchBucketPolicy') return null;
    if (code === 'NoSuchBucket') throw missingBucket(bucket, err);
    throw err;
  }
}

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

export interface OwnershipReading {
  /** undefined when it could not be read. */
  ownership?: ObjectOwnership;
  /** Why it could not be read (one line), when it could not. */
  error?: string;
}

/**
 * The bucket's Object Ownership setting. No ownership controls at all means ObjectWriter (the
 * behaviour of buckets made before April 2023). Any other failure is reported, not thrown: the
 * caller then assumes the cautious answer.
 */
export async function getObjectOwnership(s3: S3Client, bucket: string): Promise<OwnershipReading> {
  try {
    const out = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    const rule = out.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
    return rule ? { ownership: rule as ObjectOwnership } : { ownership: 'ObjectWriter' };
  } catch (err) {
    const code = errorCode(err);
    if (code === 'OwnershipControlsNotFoundError') return { ownership: 'ObjectWriter' };
    if (code === 'NoSuchBucket') throw missingBucket(bucket, err);
    return { error: describeAwsError(err) };
  }
}
