// assume-and-sync against `aws s3 sync` (aws-cli) on the same local moto (no IAM enforcement):
//  - first sync of 1,000 files of 4 KiB plus 4 files of 32 MiB (fresh prefix per run), target >= 1.5x faster;
//  - a re-run with nothing changed, target >= 3x faster;
//  - peak RSS of the CLI while syncing one 512 MiB file, target < 200 MiB (GNU time's max RSS).
// The tools are alternated, so machine noise hits both alike.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { alternate, benchEnv, CLI, report, startMoto, timeRun } from './lib.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;
const OLD = new Date('2020-01-01T00:00:00Z');

function makeTree() {
  const root = mkdtempSync(join(tmpdir(), 's3share-bench-sync-'));
  for (let i = 0; i < 1000; i++) {
    const dir = join(root, `d${i % 10}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.dat`), randomBytes(4 * KiB));
  }
  for (let i = 0; i < 4; i++) writeFileSync(join(root, `big${i}.bin`), randomBytes(32 * MiB));
  return root;
}

function backdate(root) {
  spawnSync('find', [root, '-type', 'f', '-exec', 'touch', '-d', OLD.toISOString(), '{}', '+']);
}

export async function benchSync({ rounds = 2 } = {}) {
  const moto = await startMoto();
  const root = makeTree();
  backdate(root);
  const bigRoot = mkdtempSync(join(tmpdir(), 's3share-bench-big-'));
  writeFileSync(join(bigRoot, 'huge.bin'), Buffer.alloc(512 * MiB, 3));
  utimesSync(join(bigRoot, 'huge.bin'), OLD, OLD);
  try {
    const bucket = 'bench-sync';
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
    const env = benchEnv(moto.endpoint);
    const ours = (prefix) => timeRun('node', [CLI, 'assume-and-sync', root, `s3://${bucket}/${prefix}`, '--silent'], env);
    const theirs = (prefix) =>
      timeRun('aws', ['--endpoint-url', moto.endpoint, 's3', 'sync', root, `s3://${bucket}/${prefix}`, '--only-show-errors'], env);
    let n = 0;
    const [firstOurs, firstAws] = await alternate(rounds, [
      async () => (await ours(`ours-${n}`)).ms,
      async () => (await theirs(`aws-${n++}`)).ms,
    ]);
    const [noopOurs, noopAws] = await alternate(rounds + 1, [
      async () => (await ours('ours-0')).ms,
      async () => (await theirs('aws-0')).ms,
    ]);
    const noopCheck = await timeRun('node', [CLI, 'assume-and-sync', root, `s3://${bucket}/ours-0`, '--nl'], env);
    const uploadedAgain = noopCheck.stdout.split('\n').filter((l) => l.includes('"event":"uploaded"')).length;
    if (uploadedAgain) throw new Error(`the no-op re-run uploaded ${uploadedAgain} files`);

    const timed = await timeRun('/usr/bin/time', ['-v', 'node', CLI, 'assume-and-sync', bigRoot, `s3://${bucket}/big`, '--silent'], env);
    const rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timed.stderr)?.[1]);
    const rssMiB = rssKiB / 1024;
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
    return [
      report(
        'assume-and-sync first sync (1,000 x 4 KiB + 4 x 32 MiB) vs aws s3 sync',
        `${(firstAws / firstOurs).toFixed(2)}x faster (${s(firstOurs)} vs ${s(firstAws)})`,
        '>= 1.5x',
        firstAws / firstOurs >= 1.5,
      ),
      report(
        'assume-and-sync no-op re-run vs aws s3 sync',
        `${(noopAws / noopOurs).toFixed(2)}x faster (${s(noopOurs)} vs ${s(noopAws)})`,
        '>= 3x',
        noopAws / noopOurs >= 3,
      ),
      report('assume-and-sync peak RSS syncing one 512 MiB file', `${rssMiB.toFixed(0)} MiB (${s(timed.ms)})`, '< 200 MiB', rssMiB < 200),
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(bigRoot, { recursive: true, force: true });
    await moto.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSync();
