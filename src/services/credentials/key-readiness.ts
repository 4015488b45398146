/**
 * A new IAM access key takes 10-15 s on AWS before requests signed with it succeed. waitForKey
 * polls with the NEW key (STS GetCallerIdentity, then a harmless S3 read the grant allows) with
 * exponential backoff until every probe passes or the timeout is reached. Shared with rotate-key.
 */
import { HeadBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { describeAwsError, isAwsError } from '../../aws/errors';
import type { Reporter } from '../../output/reporter';
import { setTimeout as sleepMs } from 'node:timers/promises';

export interface Probe {
  /** "sts:GetCallerIdentity", for progress lines. */
  name: string;
  run(): Promise<unknown>;
}

export type Sleep = (ms: number) => Promise<void>;

export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** First pause between attempts (default 1 s); doubled each time up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  reporter: Reporter;
  sleep?: Sleep;
  now?: () => number;
  /** SIGINT/SIGTERM: stop waiting (the key exists; the caller still hands it over). */
  signal?: AbortSignal;
}

export interface WaitResult {
  ready: boolean;
  attempts: number;
  waitedMs: number;
  /** Why the last attempt failed, when not ready. */
  lastError?: string;
}

/** A pause that ends early when the signal aborts. */
function interruptible(sleep: Sleep, signal: AbortSignal | undefined): Sleep {
  if (!signal) return sleep;
  return (ms) =>
    new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      sleep(ms).then(done, done);
    });
}

/** The probes, in order: identity first (the key exists), then the S3 read the grant allows. */
export function keyProbes(
  clients: { sts: STSClient; s3: S3Client },
  target?: { bucket: string; prefix?: string; canList: boolean },
): Probe[] {
  const probes: Probe[] = [{ name: 'sts:GetCallerIdentity', run: () => clients.sts.send(new GetCallerIdentityCommand({})) }];
  if (target?.canList) {
    // With a prefix, ListBucket is granted only for keys under it (an s3:prefix condition), so
    // HeadBucket would be refused however long we waited.
    probes.push(
      target.prefix
        ? {
            name: `s3:ListBucket on ${target.bucket}/${target.prefix}`,
            run: () => clients.s3.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: target.prefix, MaxKeys: 1 })),
          }
        : { name: `s3:ListBucket on ${target.bucket}`, run: () => clients.s3.send(new HeadBucketCommand({ Bucket: target.bucket })) },
    );
  }
  return probes;
}

export async function waitForKey(probes: readonly Probe[], opts: WaitOptions): Promise<WaitResult> {
  const sleep = interruptible(opts.sleep ?? sleepMs, opts.signal);
  const now = opts.now ?? Date.now;
  const timeout = opts.timeoutMs ?? 60_000;
  const maxDelay = opts.maxDelayMs ?? 8_000;
  const start = now();
  let delay = opts.initialDelayMs ?? 1_000;
  let attempts = 0;
  let next = 0;
  opts.reporter.info(`waiting until the new key works (up to ${Math.round(timeout / 1000)} s)`);
  for (;;) {
    attempts++;
    let failure: string | undefined;
    while (next < probes.length && failure === undefined) {
      try {
        await probes[next]!.run();
        next++;
      } catch (err) {
        failure = `${probes[next]!.name}: ${isAwsError(err) ? describeAwsError(err) : (err as Error).message}`;
      }
    }
    const waited = now() - start;
    if (failure === undefined) {
      opts.reporter.info(`the new key works (after ${(waited / 1000).toFixed(1)} s)`);
      return { ready: true, attempts, waitedMs: waited };
    }
    const left = timeout - waited;
    if (left <= 0) return { ready: false, attempts, waitedMs: waited, lastError: failure };
    if (opts.signal?.aborted) return { ready: false, attempts, waitedMs: waited, lastError: 'interrupted' };
    const pause = Math.min(delay, left);
    opts.reporter.info(`not yet (${probes[next]!.name}); trying again in ${(pause / 1000).toFixed(1)} s`);
    await sleep(pause);
    if (opts.signal?.aborted) return { ready: false, attempts, waitedMs: now() - start, lastError: 'interrupted' };
    delay = Math.min(delay * 2, maxDelay);
  }
}
