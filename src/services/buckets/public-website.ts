/**
 * --public and --website: make a bucket's objects readable by anyone and serve it as a website.
 * Each change remembers what the bucket had before, so a rollback restores it rather than leaving
 * a bucket more (or less) open than it was.
 */
import {
  DeleteBucketPolicyCommand,
  DeleteBucketWebsiteCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetBucketWebsiteCommand,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  type S3Client,
  type WebsiteConfiguration,
} from '@aws-sdk/client-s3';
import { errorCode } from '../../aws/errors';
import { checkPolicySize, minifyPolicy } from '../../policies/documents';
import { publicBucketPolicy } from '../../policies/templates';
import { step, type PlanStep } from '../plan';
import { readPublicAccessBlock, restorePublicAccessBlock } from './public-access-block';

export interface PublicOptions {
  public: boolean;
  website: boolean;
  /** Buckets this run creates: they have nothing to read or restore. */
  created: Set<string>;
}

/** The value a read returns, or undefined when AWS says there is none (the given error codes). */
async function previous<T>(read: () => Promise<T>, absent: string[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (absent.includes(errorCode(err))) return undefined;
    throw err;
  }
}

export const WEBSITE: WebsiteConfiguration = { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } };

export async function publicBucketSteps(s3: S3Client, buckets: readonly string[], opts: PublicOptions): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  for (const Bucket of buckets) {
    const isNew = opts.created.has(Bucket);
    if (opts.public) {
      const block = isNew ? undefined : await readPublicAccessBlock(s3, Bucket);
      steps.push(
        step<unknown>({
          service: 's3',
          operation: 'DeletePublicAccessBlock',
          description: `turn off Block Public Access on bucket ${Bucket}`,
          input: { Bucket },
          run: () => s3.send(new DeletePublicAccessBlockCommand({ Bucket })),
          undo: () => (block ? restorePublicAccessBlock(s3, Bucket, block) : undefined),
        }),
      );
      const policy = publicBucketPolicy(Bucket);
      checkPolicySize(policy, 'bucket');
      const old = isNew
        ? undefined
        : await previous(async () => (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy, ['NoSuchBucketPolicy']);
      steps.push(
        step<unknown>({
          service: 's3',
          operation: 'PutBucketPolicy',
          description: `let anyone read the objects of bucket ${Bucket}${old ? ' (replacing its bucket policy)' : ''}`,
          input: { Bucket, Policy: policy },
          run: () => s3.send(new PutBucketPolicyCommand({ Bucket, Policy: minifyPolicy(policy) })),
          undo: () =>
            old
              ? {
                  description: `restore the bucket policy of ${Bucket}`,
                  run: () => s3.send(new PutBucketPolicyCommand({ Bucket, Policy: old })),
                }
              : { description: `delete the bucket policy of ${Bucket}`, run: () => s3.send(new DeleteBucketPolicyCommand({ Bucket })) },
        }),
      );
    }
    if (opts.website) {
      const old = isNew
        ? undefined
        : await previous(async () => {
            const w = await s3.send(new GetBucketWebsiteCommand({ Bucket }));
            return {
              IndexDocument: w.IndexDocument,
              ErrorDocument: w.ErrorDocument,
              RedirectAllRequestsTo: w.RedirectAllRequestsTo,
              RoutingRules: w.RoutingRules,
            };
          }, ['NoSuchWebsiteConfiguration']);
      steps.push(
        step<unknown>({
          service: 's3',
          operation: 'PutBucketWebsite',
          description: `serve bucket ${Bucket} as a website (index.html, error.html)`,
          input: { Bucket, WebsiteConfiguration: WEBSITE },
          run: () => s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: WEBSITE })),
          undo: () =>
            old
              ? {
                  description: `restore the website settings of ${Bucket}`,
                  run: () => s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: old })),
                }
              : { description: `remove the website settings of ${Bucket}`, run: () => s3.send(new DeleteBucketWebsiteCommand({ Bucket })) },
        }),
      );
    }
  }
  return steps;
}
