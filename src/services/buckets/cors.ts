/** A bucket's CORS rules: reading them, and the plan that replaces them with one rule. */
import { DeleteBucketCorsCommand, GetBucketCorsCommand, PutBucketCorsCommand, type CORSRule, type S3Client } from '@aws-sdk/client-s3';
import { errorCode } from '../../aws/errors';
import { OperationError } from '../../errors';
import { step, type Plan } from '../plan';

/** The methods S3 accepts in a CORS rule. */
export const CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;

export interface CorsRuleInput {
  allowedMethods: string[];
  allowedHeaders: string[];
  allowedOrigins: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

/** The rule set-cors-policy puts; with nothing given, GET from any origin (as s3-credentials does). */
export function corsRule(input: CorsRuleInput): CORSRule {
  return {
    ID: 'set-by-s3-share',
    AllowedOrigins: input.allowedOrigins.length ? input.allowedOrigins : ['*'],
    AllowedHeaders: input.allowedHeaders,
    AllowedMethods: input.allowedMethods.length ? input.allowedMethods : ['GET'],
    ExposeHeaders: input.exposeHeaders,
    ...(input.maxAgeSeconds !== undefined ? { MaxAgeSeconds: input.maxAgeSeconds } : {}),
  };
}

/** The bucket's CORS rules, or null when it has none. NoSuchBucket is an OperationError. */
export async function getBucketCorsRules(s3: S3Client, bucket: string): Promise<CORSRule[] | null> {
  try {
    const out = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    return out.CORSRules ?? [];
  } catch (err) {
    const code = errorCode(err);
    if (code === 'NoSuchCORSConfiguration') return null;
    if (code === 'NoSuchBucket') {
      const e = new OperationError(`bucket ${bucket} does not exist (NoSuchBucket): check the name and --region`, 'NoSuchBucket');
      (e as Error & { cause?: unknown }).cause = err;
      throw e;
    }
    throw err;
  }
}

export interface CorsPlan extends Plan {
  /** The rules the bucket had, which the put replaces; null when it had none. */
  previous: CORSRule[] | null;
  result: { Bucket: string; CORSRules: CORSRule[] };
}

/** Replaces the bucket's CORS configuration with `rule`; a rollback puts back what it had. */
export async function planSetCors(s3: S3Client, bucket: string, rule: CORSRule): Promise<CorsPlan> {
  const previous = await getBucketCorsRules(s3, bucket);
  const CORSRules = [rule];
  return {
    previous,
    result: { Bucket: bucket, CORSRules },
    steps: [
      step<unknown>({
        service: 's3',
        operation: 'PutBucketCors',
        description: `set the CORS rules of bucket ${bucket}${previous ? ` (replacing its ${previous.length} rule(s))` : ''}`,
        input: { Bucket: bucket, CORSConfiguration: { CORSRules } },
        run: () => s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules } })),
        undo: () =>
          previous
            ? {
                description: `restore the CORS rules of bucket ${bucket}`,
                run: () => s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: previous } })),
              }
            : {
                description: `remove the CORS rules of bucket ${bucket}`,
                run: () => s3.send(new DeleteBucketCorsCommand({ Bucket: bucket })),
              },
      }),
    ],
  };
}
