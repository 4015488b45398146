/**
 * Clients with their own AWS account: served by a grant in each bucket's policy, as grant-account
 * makes it (cross-account.ts does the read, merge and write). A bucket policy is one document, so
 * the grants on one bucket are written one after another, never at once, and a list that needs
 * more grants than one policy holds is refused before anything is written.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../../errors';
import type { Reporter } from '../../output/reporter';
import { mergeGrant, parseBucketPolicy, type ExistingPolicy } from '../../policies/bucket-grants';
import type { Client } from '../../policies/clients/client-list';
import { accountClientsPerBucketPolicy } from '../../policies/clients/limits';
import { policyTextSize } from '../../policies/policy-text';
import { POLICY_SIZE_LIMITS } from '../../policies/documents';
import { planGrantAccount } from '../buckets/cross-account';
import { getBucketPolicyText } from '../buckets/policy';
import { executePlan } from '../plan';
import type { ClientChange } from './changes';

/** Says each warning once: every grant on a bucket would repeat its Object Ownership warning. */
function onceReporter(reporter: Reporter): Reporter {
  const said = new Set<string>();
  return {
    info: (m) => reporter.info(m),
    warn: (m) => {
      if (said.has(m)) return;
      said.add(m);
      reporter.warn(m);
    },
  };
}

/**
 * Whether all the list's grants fit in each bucket's policy, with what is there already. Throws a
 * UsageError naming the bucket and how many such clients fit otherwise.
 */
async function checkCapacity(s3: S3Client, clients: readonly Client[]): Promise<void> {
  const buckets = [...new Set(clients.flatMap((c) => c.buckets))];
  for (const bucket of buckets) {
    const on = clients.filter((c) => c.buckets.includes(bucket));
    const text = await getBucketPolicyText(s3, bucket);
    let policy: ExistingPolicy | null = text === null ? null : parseBucketPolicy(text, bucket);
    let merged = text;
    for (const c of on) {
      // Write grants carry the ownership Deny unless ACLs are off: count the larger, to be safe.
      const change = mergeGrant(policy, {
        bucket,
        principal: c.account!,
        mode: c.access,
        prefix: c.prefix,
        requireBucketOwnerFullControl: true,
      });
      merged = change.text;
      policy = merged === null ? null : parseBucketPolicy(merged, bucket);
    }
    const size = merged === null ? 0 : policyTextSize(merged);
    if (size > POLICY_SIZE_LIMITS.bucket) {
      const shape = on[0]!;
      const fit = accountClientsPerBucketPolicy(shape.access, shape.prefix, bucket);
      throw new UsageError(
        `bucket ${bucket} would need a ${size.toLocaleString('en-US')}-character policy for its ${on.length} account clients, over the 20 KB (20,480) a bucket policy holds: about ${fit} ${shape.access} clients with a folder each fit in one; give the others a bucket of their own, or IAM users or roles (see "Many clients" in the README)`,
      );
    }
  }
}

/** The change each account client needs, in list order (refuses a list that cannot fit). */
export async function accountChanges(s3: S3Client, clients: readonly Client[], reporter: Reporter): Promise<ClientChange[]> {
  if (!clients.length) return [];
  await checkCapacity(s3, clients);
  const quiet = onceReporter(reporter);
  const changes: ClientChange[] = [];
  for (const client of clients) {
    const edits: ClientChange['edits'] = [];
    let added = false;
    for (const bucket of client.buckets) {
      const plan = await planGrantAccount(s3, { bucket, principal: client.account!, mode: client.access, prefix: client.prefix }, quiet);
      if (plan.steps.length) {
        edits.push({ kind: 'grant-account', bucket });
        if (plan.result.Replaced.length === 0 && plan.result.Removed.length === 0) added = true;
      }
    }
    changes.push({ username: client.username, action: edits.length ? (added ? 'create' : 'update') : 'none', client, edits });
  }
  return changes;
}

/** Serialises the read-merge-write of each bucket's policy across clients working at once. */
export function bucketLocks(): (bucket: string, work: () => Promise<void>) => Promise<void> {
  const tails = new Map<string, Promise<void>>();
  return (bucket, work) => {
    const run = (tails.get(bucket) ?? Promise.resolve()).then(work);
    tails.set(
      bucket,
      run.catch(() => {}),
    );
    return run;
  };
}

/** Applies one account client: for each bucket, read, merge and write its policy under the lock. */
export async function applyAccountClient(
  s3: S3Client,
  client: Client,
  lock: ReturnType<typeof bucketLocks>,
  reporter: Reporter,
  signal?: AbortSignal,
): Promise<void> {
  for (const bucket of client.buckets) {
    await lock(bucket, async () => {
      const plan = await planGrantAccount(s3, { bucket, principal: client.account!, mode: client.access, prefix: client.prefix }, reporter);
      await executePlan(plan, { reporter, signal });
    });
  }
}
