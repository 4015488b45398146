/**
 * The plans of grant-account and revoke-account. PutBucketPolicy replaces the whole document, so
 * every change here is read, merge, write: the statements s3-share did not add are carried over
 * as they were read.
 */
import { DeleteBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { RawJson } from '../../output/records';
import type { Reporter } from '../../output/reporter';
import {
  checkBucketPolicyTextSize,
  mergeGrant,
  parseBucketPolicy,
  revokeGrants,
  type AccountPrincipal,
  type ExistingPolicy,
  type PolicyChange,
  type RevokeSelector,
} from '../../policies/bucket-grants';
import type { AccessMode } from '../../policies/templates';
import { formatJsonText } from '../../policies/policy-text';
import { step, type Plan } from '../plan';
import { getBucketPolicyText, getObjectOwnership } from './policy';

/** What every change to a bucket policy prints: what changed, and the policy as it will be stored. */
export interface PolicyChangeResult {
  Added: string[];
  Replaced: string[];
  Removed: string[];
  /** Statements left as they were. */
  Kept: number;
  /** The call that makes the change, or null when there is nothing to change. */
  Operation: 'PutBucketPolicy' | 'DeleteBucketPolicy' | null;
  /**
   * The policy after the change (null: the bucket will have none), printed as it will be stored:
   * other people's statements with their numbers and escapes exactly as written.
   */
  Policy: RawJson | null;
}

/** What grant-account and revoke-account print. */
export interface BucketPolicyResult extends PolicyChangeResult {
  Bucket: string;
  Account: string;
  Principal?: string;
  Mode?: AccessMode;
  Prefix?: string;
}

export interface BucketPolicyPlan extends Plan {
  result: BucketPolicyResult;
}

/**
 * The one write of a change, undone (on a failure after it, or a signal during it) by putting back
 * the policy text exactly as it was read, or deleting the policy when the bucket had none.
 * grant-account, revoke-account and set-bucket-policy all write through here.
 */
export function planPolicyChange<B extends object>(
  s3: S3Client,
  bucket: string,
  previous: string | null,
  change: PolicyChange,
  base: B,
): Plan & { result: B & PolicyChangeResult } {
  const result: B & PolicyChangeResult = {
    ...base,
    Added: change.added,
    Replaced: change.replaced,
    Removed: change.removed,
    Kept: change.kept,
    Operation: null,
    Policy: change.text === null ? null : new RawJson(formatJsonText(change.text, true), formatJsonText(change.text, false)),
  };
  const steps: Plan['steps'] = [];
  const restore = () =>
    previous === null
      ? {
          description: `delete the bucket policy of ${bucket} again`,
          run: () => s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })),
        }
      : {
          description: `restore the previous bucket policy of ${bucket}`,
          run: () => s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: previous })),
        };
  const summary = [
    change.added.length ? `add ${change.added.join(', ')}` : '',
    change.replaced.length ? `replace ${change.replaced.join(', ')}` : '',
    change.removed.length ? `remove ${change.removed.join(', ')}` : '',
    `keep ${change.kept} other statement(s)`,
  ]
    .filter(Boolean)
    .join('; ');
  if (change.changed && change.text !== null) {
    // The text, not the parsed document: other people's statements go back exactly as read.
    const Policy = change.text;
    result.Operation = 'PutBucketPolicy';
    steps.push(
      step({
        service: 's3',
        operation: 'PutBucketPolicy',
        description: `put the bucket policy of ${bucket}: ${summary}`,
        // Printed (--dry-run) as it will be stored, as the result's Policy is.
        input: { Bucket: bucket, Policy: result.Policy },
        run: () => s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy })),
        undo: restore,
      }),
    );
  } else if (change.changed) {
    result.Operation = 'DeleteBucketPolicy';
    steps.push(
      step({
        service: 's3',
        operation: 'DeleteBucketPolicy',
        description: `delete the bucket policy of ${bucket}: ${summary.replace(/; keep 0 other statement\(s\)$/, '')}, and nothing else is left`,
        input: { Bucket: bucket },
        run: () => s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })),
        undo: restore,
      }),
    );
  }
  return { steps, result };
}

export interface GrantAccountInput {
  bucket: string;
  principal: AccountPrincipal;
  mode: AccessMode;
  prefix?: string;
}

const ENFORCE_HINT = (bucket: string) =>
  `aws s3api put-bucket-ownership-controls --bucket ${bucket} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`;

/**
 * Reads the bucket's policy (and, for grants that write, its Object Ownership) and plans the
 * merged policy. The plan is empty when the grant is already in place exactly.
 */
export async function planGrantAccount(s3: S3Client, input: GrantAccountInput, reporter: Reporter): Promise<BucketPolicyPlan> {
  const { bucket, principal, mode, prefix } = input;
  const text = await getBucketPolicyText(s3, bucket);
  const existing: ExistingPolicy | null = text === null ? null : parseBucketPolicy(text, bucket);
  let requireBucketOwnerFullControl = false;
  if (mode !== 'read-only') {
    const { ownership, error } = await getObjectOwnership(s3, bucket);
    if (ownership !== 'BucketOwnerEnforced') {
      requireBucketOwnerFullControl = true;
      const why = ownership
        ? `bucket ${bucket} has Object Ownership ${ownership}, so objects the other account uploads would belong to it`
        : `could not read the Object Ownership of ${bucket} (${error}), so objects the other account uploads might belong to it`;
      reporter.warn(
        `${why}: uploads must carry the bucket-owner-full-control ACL (aws s3 cp --acl bucket-owner-full-control), and a Deny statement requires it; better, disable ACLs so the bucket owns every object: ${ENFORCE_HINT(bucket)}`,
      );
    }
  }
  const change = mergeGrant(existing, { bucket, principal, mode, prefix, requireBucketOwnerFullControl });
  if (change.text !== null) checkBucketPolicyTextSize(change.text);
  return planPolicyChange(s3, bucket, text, change, {
    Bucket: bucket,
    Account: principal.account,
    Principal: principal.arn,
    Mode: mode,
    ...(prefix !== undefined ? { Prefix: prefix } : {}),
  });
}

/** Reads the bucket's policy and plans taking the selected s3-share statements out of it. */
export async function planRevokeAccount(s3: S3Client, bucket: string, sel: RevokeSelector): Promise<BucketPolicyPlan> {
  const text = await getBucketPolicyText(s3, bucket);
  const base = {
    Bucket: bucket,
    Account: sel.account,
    ...(sel.principal && !sel.principal.isRoot ? { Principal: sel.principal.arn } : {}),
    ...(sel.prefix !== undefined ? { Prefix: sel.prefix } : {}),
  };
  if (text === null) {
    return { steps: [], result: { ...base, Added: [], Replaced: [], Removed: [], Kept: 0, Operation: null, Policy: null } };
  }
  const existing = parseBucketPolicy(text, bucket);
  return planPolicyChange(s3, bucket, text, revokeGrants(existing, sel), base);
}
