/**
 * The plan of set-bucket-policy: read the stored policy, work out the new one (--allow-all-get
 * merged by Sid, as grant-account merges; --policy-file replacing it), report the difference
 * statement by statement, refuse what would fail or lose statements silently, and write through
 * the same rollback-safe step as grant-account.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { describeAwsError, errorCode } from '../../aws/errors';
import { OperationError, UsageError } from '../../errors';
import type { Reporter } from '../../output/reporter';
import {
  ALLOW_ALL_GET_SID,
  allowAllGetStatement,
  diffLines,
  diffStatements,
  isPublicStatement,
  replacePolicy,
  type GivenPolicy,
  type StatementDiffEntry,
} from '../../policies/bucket-policies';
import { checkBucketPolicyTextSize, mergeStatements, parseBucketPolicy, type ExistingPolicy } from '../../policies/bucket-grants';
import { readArrayElements, readObjectMembers } from '../../policies/policy-text';
import type { Plan, PlanStep } from '../plan';
import { planPolicyChange, type PolicyChangeResult } from './cross-account';
import { getBucketPolicyText } from './policy';
import { readPublicAccessBlock } from './public-access-block';

export type PolicySource = { kind: 'allow-all-get' } | { kind: 'policy-file'; policy: GivenPolicy; source: string };

export interface SetBucketPolicyInput {
  bucket: string;
  source: PolicySource;
  /** Statements of the stored policy may be dropped or rewritten (--replace). */
  replace: boolean;
}

export interface SetBucketPolicyResult extends PolicyChangeResult {
  Bucket: string;
  Source: 'allow-all-get' | 'policy-file';
}

export interface SetBucketPolicyPlan extends Plan {
  result: SetBucketPolicyResult;
  diff: StatementDiffEntry[];
}

/** The statements of stored or assembled policy text, with their texts, for the diff. */
function statementsOfText(text: string | null): { statements: unknown[]; texts: string[] } {
  if (text === null) return { statements: [], texts: [] };
  const member = readObjectMembers(text)?.find((m) => m.name === 'Statement');
  if (!member) return { statements: [], texts: [] };
  const texts = readArrayElements(member.valueText) ?? [member.valueText];
  return { statements: texts.map((t) => JSON.parse(t) as unknown), texts };
}

const PAB_HINT = (bucket: string) =>
  `s3-share set-public-access-block ${bucket} --block-public-policy false --restrict-public-buckets false`;

export async function planSetBucketPolicy(s3: S3Client, input: SetBucketPolicyInput, reporter: Reporter): Promise<SetBucketPolicyPlan> {
  const { bucket, source, replace } = input;
  const text = await getBucketPolicyText(s3, bucket);
  let existing: ExistingPolicy | null = null;
  if (text !== null) {
    try {
      existing = parseBucketPolicy(text, bucket);
    } catch (err) {
      // A policy that cannot be read can still be replaced whole, when that is what was asked.
      if (!(source.kind === 'policy-file' && replace)) throw err;
      reporter.warn(`the stored bucket policy of ${bucket} cannot be read, and --replace drops it whole`);
    }
  }
  const before = existing ? { statements: existing.statements, texts: existing.statementTexts } : { statements: [], texts: [] };

  let change;
  let diff: StatementDiffEntry[];
  if (source.kind === 'allow-all-get') {
    change = mergeStatements(existing, [allowAllGetStatement(bucket)], (s) => (s as { Sid?: unknown }).Sid === ALLOW_ALL_GET_SID);
    diff = diffStatements(before, statementsOfText(change.text));
  } else {
    change = replacePolicy(existing, source.policy);
    diff = change.diff;
    if (text !== null && existing === null) change = { ...change, changed: true };
  }

  if (change.changed) {
    reporter.info(
      text === null
        ? `bucket ${bucket} has no bucket policy; the new one:`
        : `changes to the bucket policy of ${bucket} (- goes, + comes, = stays):`,
    );
    for (const line of diffLines(diff)) reporter.info(`  ${line}`);
  }

  const lost = diff.filter((e) => e.change === 'remove' || e.change === 'replace');
  if (source.kind === 'policy-file' && lost.length && !replace) {
    throw new UsageError(
      `the bucket policy of ${bucket} has statements that ${source.source} would drop or rewrite (${lost.map((e) => e.label).join(', ')}): add them to the file, or give --replace to replace the whole policy`,
    );
  }

  const publicNames = (change.policy?.Statement ?? []).flatMap((s, i) => (isPublicStatement(s) ? [s.Sid ?? `statement ${i + 1}`] : []));
  if (change.changed && publicNames.length) {
    let block;
    try {
      block = await readPublicAccessBlock(s3, bucket);
    } catch (err) {
      if (err instanceof OperationError) throw err;
      reporter.warn(
        `could not read the Block Public Access settings of ${bucket} (${describeAwsError(err)}): S3 refuses a public policy if they block it`,
      );
    }
    const names = publicNames.join(', ');
    if (block?.BlockPublicPolicy) {
      throw new OperationError(
        `bucket ${bucket} blocks public bucket policies (Block Public Access BlockPublicPolicy is on) and this policy is public (${names}): turn that off first with ${PAB_HINT(bucket)}, or leave the public statement out`,
        'BlockPublicPolicy',
      );
    }
    if (block?.RestrictPublicBuckets) {
      reporter.warn(
        `Block Public Access RestrictPublicBuckets is on for ${bucket}: the public statements (${names}) will only reach AWS services and this account, not anonymous users; to open it: ${PAB_HINT(bucket)}`,
      );
    }
  }

  if (change.changed && change.text !== null) checkBucketPolicyTextSize(change.text);
  const plan = planPolicyChange(s3, bucket, text, change, {
    Bucket: bucket,
    Source: source.kind,
  } as { Bucket: string; Source: SetBucketPolicyResult['Source'] });
  if (publicNames.length) plan.steps = plan.steps.map((s) => (s.operation === 'PutBucketPolicy' ? explainPublicRefusal(s, bucket) : s));
  return { ...plan, diff };
}

/**
 * S3 answers a public policy that Block Public Access forbids with a bare AccessDenied, the same
 * answer as for credentials without s3:PutBucketPolicy; the account's settings, which this bucket's
 * reading cannot see, are the usual cause. Say both, and what to check.
 */
function explainPublicRefusal(s: PlanStep, bucket: string): PlanStep {
  return {
    ...s,
    run: async (results) => {
      try {
        return await s.run(results);
      } catch (err) {
        if (errorCode(err) !== 'AccessDenied') throw err;
        const e = new OperationError(
          `S3 refused the public policy (AccessDenied): either Block Public Access of the account (aws s3control get-public-access-block --account-id ID) or of the bucket has BlockPublicPolicy on, or these credentials may not call s3:PutBucketPolicy; for the bucket: ${PAB_HINT(bucket)}`,
          'AccessDenied',
        );
        (e as Error & { cause?: unknown }).cause = err;
        throw e;
      }
    },
  };
}
