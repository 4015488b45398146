/**
 * debug-bucket: every setting that decides who can read a bucket, read side by side, and a verdict
 * on whether anyone on the internet can. Each read stands alone: one that AWS refuses (or an
 * S3-compatible server does not implement) is reported in its own field and the rest go on. Only
 * a bucket that does not exist ends the run.
 */
import {
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describeAwsError, errorCode } from '../../aws/errors';
import { OperationError } from '../../errors';
import { RawJson } from '../../output/records';
import { formatJsonText } from '../../policies/policy-text';
import { publicReadVerdict } from '../../policies/public-read';

/** A read that failed, in the field it would have filled. */
export interface ReadError {
  Error: { Code: string; Message: string };
}

type Field<T> = T | ReadError;

export interface BucketDebugReport {
  Bucket: string;
  Region: Field<string>;
  /** GetBucketAcl's answer: Owner and Grants. */
  BucketAcl: Field<{ Owner?: unknown; Grants: Array<{ Grantee?: { URI?: string }; Permission?: string }> }>;
  /** GetBucketPolicyStatus's answer; IsPublic is absent when the endpoint does not work it out. */
  BucketPolicyStatus: Field<{ PolicyStatus: { IsPublic?: boolean } }>;
  /** null: the bucket has no Block Public Access settings of its own. */
  BucketPublicAccessBlock: Field<{ PublicAccessBlockConfiguration: Record<string, boolean> } | null>;
  /** null: no ownership controls, which means ObjectWriter (ACLs enabled). */
  OwnershipControls: Field<{ Rules: unknown[] } | null>;
  /** null: not served as a website. */
  Website: Field<Record<string, unknown> | null>;
  /** {} when versioning was never turned on. */
  Versioning: Field<{ Status?: string; MFADelete?: string }>;
  /** The policy as stored (numbers and escapes as written); null: none. */
  BucketPolicy: Field<RawJson | null>;
  PubliclyReadable: boolean | null;
  Verdict: string;
}

const isError = (v: unknown): v is ReadError => typeof v === 'object' && v !== null && 'Error' in v;

/** Runs one read: its value, null for the "there is none" codes, or the error in the field. */
async function read<T>(bucket: string, call: () => Promise<T>, none: string[] = []): Promise<Field<T | null>> {
  try {
    return await call();
  } catch (err) {
    const code = errorCode(err);
    if (none.includes(code)) return null;
    if (code === 'NoSuchBucket') {
      const e = new OperationError(`bucket ${bucket} does not exist (NoSuchBucket): check the name and --region`, 'NoSuchBucket');
      (e as Error & { cause?: unknown }).cause = err;
      throw e;
    }
    return { Error: { Code: code, Message: describeAwsError(err) } };
  }
}

const problem = (v: ReadError) => `${v.Error.Code}: ${v.Error.Message}`;

export async function debugBucket(s3: S3Client, bucket: string): Promise<BucketDebugReport> {
  const Bucket = bucket;
  const [location, acl, status, block, ownership, website, versioning, policyText] = await Promise.all([
    read(bucket, async () => (await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint as string | undefined),
    read(bucket, async () => {
      const out = await s3.send(new GetBucketAclCommand({ Bucket }));
      return { Owner: out.Owner, Grants: out.Grants ?? [] };
    }),
    read(bucket, async () => ({ PolicyStatus: { ...(await s3.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus } })),
    read(bucket, async () => {
      const c = (await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration ?? {};
      // A setting AWS leaves out is off, as S3 treats it.
      const settings = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
      return { PublicAccessBlockConfiguration: Object.fromEntries(settings.map((k) => [k, c[k] === true])) };
    }, ['NoSuchPublicAccessBlockConfiguration']),
    read(
      bucket,
      async () => ({ Rules: (await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules ?? [] }),
      ['OwnershipControlsNotFoundError'],
    ),
    read(bucket, async () => {
      const { $metadata: _m, ...site } = await s3.send(new GetBucketWebsiteCommand({ Bucket }));
      return site as Record<string, unknown>;
    }, ['NoSuchWebsiteConfiguration']),
    read(bucket, async () => {
      const { Status, MFADelete } = await s3.send(new GetBucketVersioningCommand({ Bucket }));
      return { ...(Status ? { Status } : {}), ...(MFADelete ? { MFADelete } : {}) };
    }),
    read(bucket, async () => (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? null, ['NoSuchBucketPolicy']),
  ]);

  // An empty LocationConstraint is us-east-1; EU is the old name of eu-west-1.
  const Region = isError(location) ? location : !location ? 'us-east-1' : location === 'EU' ? 'eu-west-1' : location;

  let BucketPolicy: Field<RawJson | null> = null;
  let policyFact: unknown[] | null | string = null;
  if (isError(policyText)) {
    BucketPolicy = policyText;
    policyFact = problem(policyText);
  } else if (typeof policyText === 'string') {
    try {
      const parsed = JSON.parse(policyText) as { Statement?: unknown };
      BucketPolicy = new RawJson(formatJsonText(policyText, true), formatJsonText(policyText, false));
      policyFact = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
    } catch {
      BucketPolicy = { Error: { Code: 'InvalidJson', Message: 'the stored policy is not valid JSON' } };
      policyFact = 'the stored policy is not valid JSON';
    }
  }

  const blockConfig = isError(block) ? problem(block) : block === null ? null : block.PublicAccessBlockConfiguration;
  const rule = !isError(ownership) && ownership ? (ownership.Rules[0] as { ObjectOwnership?: string } | undefined) : undefined;
  const { publiclyReadable, verdict } = publicReadVerdict({
    bucket,
    policy: policyFact,
    policyIsPublic: !isError(status) && status ? status.PolicyStatus.IsPublic : undefined,
    block: blockConfig as Parameters<typeof publicReadVerdict>[0]['block'],
    ownership: isError(ownership) ? problem(ownership) : (rule?.ObjectOwnership ?? 'ObjectWriter'),
    aclGrants: isError(acl) ? problem(acl) : (acl?.Grants ?? []),
  });

  return {
    Bucket,
    Region,
    BucketAcl: acl ?? { Grants: [] },
    BucketPolicyStatus: status ?? { PolicyStatus: {} },
    BucketPublicAccessBlock: block,
    OwnershipControls: ownership,
    Website: website,
    Versioning: versioning ?? {},
    BucketPolicy,
    PubliclyReadable: publiclyReadable,
    Verdict: verdict,
  };
}
