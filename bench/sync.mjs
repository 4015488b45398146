// assume-and-sync against `aws s3 sync` (aws-cli) on the same local moto (no IAM enforcement):
//  - first sync of 1,000 files of 4 KiB plus 4 files of 32 MiB, target >= 1.5x faster;
//  - a re-run with nothing changed, target >= 3x faster;
//  - peak RSS of the CLI while syncing one 512 MiB file, target < 200 MiB (GNU time's max RSS).
// Every timed run goes to a bucket of its own, made before the clock starts, so that neither tool
// syncs into a bucket already holding the other's objects; the order of the tools rotates every
// round, and each figure is a median of at least 3 runs.
// Each run's work is checked on the server afterwards, outside the timing: after a first sync the
// destination holds exactly the 1,004 objects and 138,313,728 bytes of the tree; after a no-op
// re-run nothing on the server changed (same keys, ETags and LastModified), and s3-share's own
// events say all 1,004 files were skipped. A failed check makes that figure INVALID, not a ratio.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { alternate, benchEnv, check, CLI, measure, report, startMoto, timeRun } from './lib.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;
const OLD = new Date('2020-01-01T00:00:00Z');
const SMALL = { count: 1000, size: 4 * KiB };
const BIG = { count: 4, size: 32 * MiB };
const FILES = SMALL.count + BIG.count;
const BYTES = SMALL.count * SMALL.size + BIG.count * BIG.size;
const HUGE = 512 * MiB;

function makeTree() {
  const root = mkdtempSync(join(tmpdir(), 's3share-bench-sync-'));
  for (let i = 0; i < SMALL.count; i++) {
    const dir = join(root, `d${i % 10}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.dat`), randomBytes(SMALL.size));
  }
  for (let i = 0; i < BIG.count; i++) writeFileSync(join(root, `big${i}.bin`), randomBytes(BIG.size));
  return root;
}

function backdate(root) {
  spawnSync('find', [root, '-type', 'f', '-exec', 'touch', '-d', OLD.toISOString(), '{}', '+']);
}

/** Every object in the bucket: key -> "size etag lastModified". */
async function contents(s3, Bucket) {
  const objects = new Map();
  let ContinuationToken;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken }));
    for (const o of page.Contents ?? [])
      objects.set(o.Key, { size: o.Size ?? 0, stamp: `${o.Size} ${o.ETag} ${o.LastModified?.toISOString()}` });
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return objects;
}

function totalBytes(objects) {
  let n = 0;
  for (const o of objects.values()) n += o.size;
  return n;
}

/** Throws InvalidRun unless `after` is `before` exactly (nothing uploaded, deleted or rewritten). */
function checkUnchanged(before, after, who) {
  const changed = [...after].filter(([key, o]) => before.get(key)?.stamp !== o.stamp).length;
  check(
    after.size === before.size && changed === 0,
    `${who}'s no-op re-run changed the bucket (${after.size} objects, ${changed} new or rewritten)`,
  );
}

export async function benchSync({ rounds = 3 } = {}) {
  const moto = await startMoto();
  const root = makeTree();
  backdate(root);
  const bigRoot = mkdtempSync(join(tmpdir(), 's3share-bench-big-'));
  writeFileSync(join(bigRoot, 'huge.bin'), Buffer.alloc(HUGE, 3));
  utimesSync(join(bigRoot, 'huge.bin'), OLD, OLD);
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' },
  });
  try {
    const env = benchEnv(moto.endpoint);
    const ours = (bucket, extra = ['--silent']) => timeRun('node', [CLI, 'assume-and-sync', root, `s3://${bucket}/tree`, ...extra], env);
    const theirs = (bucket) =>
      timeRun('aws', ['--endpoint-url', moto.endpoint, 's3', 'sync', root, `s3://${bucket}/tree`, '--only-show-errors'], env);
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
    let n = 0;
    const freshBucket = async (tool) => {
      const Bucket = `bench-sync-${tool}-${n++}`;
      await s3.send(new CreateBucketCommand({ Bucket }));
      return Bucket;
    };
    /** Syncs with `run` into `bucket`, then checks that the bucket holds the whole tree. */
    const syncInto = async (tool, run, bucket) => {
      const { ms } = await run(bucket);
      const objects = await contents(s3, bucket);
      const bytes = totalBytes(objects);
      check(
        objects.size === FILES && bytes === BYTES,
        `${tool} exited 0 but left ${objects.size} objects / ${bytes} bytes (want ${FILES} / ${BYTES})`,
      );
      return ms;
    };
    const firstSync = (tool, run) => async () => syncInto(tool, run, await freshBucket(tool));

    const results = [];
    const firstName = `assume-and-sync first sync (${SMALL.count.toLocaleString('en')} x 4 KiB + ${BIG.count} x 32 MiB) vs aws s3 sync`;
    results.push(
      await measure(firstName, '>= 1.5x', async () => {
        const [firstOurs, firstAws] = await alternate(rounds, [firstSync('s3-share', ours), firstSync('aws-cli', theirs)]);
        return report(
          firstName,
          `${(firstAws / firstOurs).toFixed(2)}x faster (${s(firstOurs)} vs ${s(firstAws)}, medians of ${rounds}; ${FILES} objects and ${BYTES} bytes checked on the server after every run)`,
          '>= 1.5x',
          firstAws / firstOurs >= 1.5,
        );
      }),
    );

    const noopName = 'assume-and-sync no-op re-run vs aws s3 sync';
    results.push(
      await measure(noopName, '>= 3x', async () => {
        // one synced bucket per tool, made (and checked) before the timed re-runs
        const oursBucket = await freshBucket('s3-share');
        const awsBucket = await freshBucket('aws-cli');
        await syncInto('s3-share', ours, oursBucket);
        await syncInto('aws-cli', theirs, awsBucket);
        const before = { ours: await contents(s3, oursBucket), aws: await contents(s3, awsBucket) };
        const noop = (who, bucket, run) => async () => {
          const r = await run();
          checkUnchanged(before[who], await contents(s3, bucket), who === 'ours' ? 's3-share' : 'aws-cli');
          return r;
        };
        const [noopOurs, noopAws] = await alternate(rounds, [
          async () => {
            // --nl: one event per file, so the skips can be counted (stdout only; stderr stays silent)
            const r = await noop('ours', oursBucket, () => ours(oursBucket, ['--silent', '--nl']))();
            const events = r.stdout
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l));
            const summary = events.find((e) => e.event === 'summary');
            const perFile = events.filter((e) => e.event !== 'summary');
            const skipped = perFile.filter((e) => e.event === 'skipped').length;
            check(
              skipped === FILES && perFile.length === FILES,
              `s3-share's no-op re-run skipped ${skipped} of ${FILES} files and did ${perFile.length - skipped} other things`,
            );
            check(
              summary?.skipped === FILES && summary.uploaded === 0 && summary.deleted === 0 && summary.failed === 0,
              `s3-share's no-op summary says ${JSON.stringify(summary)}`,
            );
            return r.ms;
          },
          async () => (await noop('aws', awsBucket, () => theirs(awsBucket))()).ms,
        ]);
        return report(
          noopName,
          `${(noopAws / noopOurs).toFixed(2)}x faster (${s(noopOurs)} vs ${s(noopAws)}, medians of ${rounds}; all ${FILES} files skipped and the bucket unchanged after every run)`,
          '>= 3x',
          noopAws / noopOurs >= 3,
        );
      }),
    );

    const rssName = 'assume-and-sync peak RSS syncing one 512 MiB file';
    results.push(
      await measure(rssName, '< 200 MiB', async () => {
        const bucket = await freshBucket('rss');
        const timed = await timeRun(
          '/usr/bin/time',
          ['-v', 'node', CLI, 'assume-and-sync', bigRoot, `s3://${bucket}/big`, '--silent'],
          env,
        );
        const objects = await contents(s3, bucket);
        check(
          objects.get('big/huge.bin')?.size === HUGE && objects.size === 1,
          `the 512 MiB sync left ${objects.size} objects, huge.bin ${objects.get('big/huge.bin')?.size ?? 'missing'} bytes`,
        );
        const rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timed.stderr)?.[1]);
        check(rssKiB > 0, 'GNU time printed no maximum resident set size');
        const rssMiB = rssKiB / 1024;
        return report(rssName, `${rssMiB.toFixed(0)} MiB (${s(timed.ms)})`, '< 200 MiB', rssMiB < 200);
      }),
    );
    return results;
  } finally {
    s3.destroy();
    rmSync(root, { recursive: true, force: true });
    rmSync(bigRoot, { recursive: true, force: true });
    await moto.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSync();
