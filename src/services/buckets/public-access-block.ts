/**
 * A bucket's Block Public Access settings: reading them, and the plan that changes some of them
 * while keeping the rest. create --public (public-website.ts) reads them through here too, so
 * "no configuration" means the same thing everywhere.
 */
import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode } from '../../aws/errors';
import { OperationError } from '../../errors';
import { step, type Plan } from '../plan';

export const PUBLIC_ACCESS_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
export type PublicAccessSetting = (typeof PUBLIC_ACCESS_SETTINGS)[number];
export type PublicAccessBlock = Record<PublicAccessSetting, boolean>;

/** The four settings, in AWS's order; a setting AWS leaves out is off, as S3 treats it. */
function complete(config: PublicAccessBlockConfiguration): PublicAccessBlock {
  return Object.fromEntries(PUBLIC_ACCESS_SETTINGS.map((k) => [k, config[k] === true])) as PublicAccessBlock;
}

/**
 * The bucket's Block Public Access settings, or undefined when it has none
 * (NoSuchPublicAccessBlockConfiguration). NoSuchBucket is an OperationError naming the bucket.
 */
export async function readPublicAccessBlock(s3: S3Client, bucket: string): Promise<PublicAccessBlock | undefined> {
  try {
    const out = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    return complete(out.PublicAccessBlockConfiguration ?? {});
  } catch (err) {
    const code = errorCode(err);
    if (code === 'NoSuchPublicAccessBlockConfiguration') return undefined;
    if (code === 'NoSuchBucket') {
      const e = new OperationError(`bucket ${bucket} does not exist (NoSuchBucket): check the name and --region`, 'NoSuchBucket');
      (e as Error & { cause?: unknown }).cause = err;
      throw e;
    }
    throw err;
  }
}

/** Puts a configuration back as it was: the settings it had, or none at all. */
export function restorePublicAccessBlock(s3: S3Client, bucket: string, previous: PublicAccessBlock | undefined) {
  return previous
    ? {
        description: `restore Block Public Access on bucket ${bucket}`,
        run: () => s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: previous })),
      }
    : {
        description: `remove the Block Public Access settings of bucket ${bucket}`,
        run: () => s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket })),
      };
}

export interface PublicAccessBlockPlan extends Plan {
  result: {
    Bucket: string;
    PublicAccessBlockConfiguration: PublicAccessBlock;
    /** What the bucket had before; null when it had no configuration. */
    Previous: PublicAccessBlock | null;
  };
}

/**
 * Changes the settings given and keeps the others as they are. A partial PutPublicAccessBlock
 * would turn every setting left out off, which silently opens a bucket: so the current settings
 * are read first and the put always carries all four.
 */
export async function planSetPublicAccessBlock(
  s3: S3Client,
  bucket: string,
  changes: Partial<PublicAccessBlock>,
): Promise<PublicAccessBlockPlan> {
  const previous = await readPublicAccessBlock(s3, bucket);
  const base = previous ?? complete({});
  const next = complete({ ...base, ...changes });
  const result = { Bucket: bucket, PublicAccessBlockConfiguration: next, Previous: previous ?? null };
  const same = previous !== undefined && PUBLIC_ACCESS_SETTINGS.every((k) => previous[k] === next[k]);
  if (same) return { steps: [], result };
  const changed = PUBLIC_ACCESS_SETTINGS.filter((k) => next[k] !== base[k] || previous === undefined).map((k) => `${k}=${next[k]}`);
  return {
    result,
    steps: [
      step<unknown>({
        service: 's3',
        operation: 'PutPublicAccessBlock',
        description: `set Block Public Access on bucket ${bucket}: ${changed.join(', ')}`,
        input: { Bucket: bucket, PublicAccessBlockConfiguration: next },
        run: () => s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: next })),
        undo: () => restorePublicAccessBlock(s3, bucket, previous),
      }),
    ],
  };
}
