// Many clients (#16). Two measurements on moto (no IAM enforcement: the bench measures calls):
//  1. Onboard 200 clients through a proxy that throttles mutating IAM calls above 50 a second
//     (answering Throttling, as IAM does) and adds 25 ms to every request (standing in for AWS
//     round trips, as the list-user-policies bench does): `apply` vs a shell loop of
//     `s3-share create`, one process per client, on the same server. Targets: apply has 0 failures, finishes within 1.3x of the
//     throttle floor (its write calls / 50 per second), and is at least 5x faster than the loop.
//  2. `plan` over 1,000 listed clients, all applied already: at most 2 s (median of 3).
// Every run's work is checked: one key file per client, one key per user, and the second apply
// of the same list making no write call.
import { IAMClient, paginateListUsers } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { benchEnv, check, CLI, measure, median, report, startMoto, timeRun } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startThrottleProxy } = require('../tests/support/throttle-proxy.js');

const BUCKET = 'bench-clients';
const WRITES_PER_SECOND = 50;
const LATENCY_MS = 25;

function writeList(path, names) {
  writeFileSync(
    path,
    ['username,bucket,prefix,access,console,expires', ...names.map((n) => `${n},${BUCKET},${n}/,read-write,no,`)].join('\n') + '\n',
  );
}

async function countUsers(endpoint, prefix) {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' } });
  let n = 0;
  for await (const page of paginateListUsers({ client: iam }, {}))
    n += (page.Users ?? []).filter((u) => u.UserName.startsWith(prefix)).length;
  iam.destroy();
  return n;
}

export async function benchClients({ clients = 200, planClients = 1000, rounds = 3 } = {}) {
  const moto = await startMoto();
  const proxy = await startThrottleProxy({ target: moto.endpoint, writesPerSecond: WRITES_PER_SECOND, latencyMs: LATENCY_MS });
  const dir = mkdtempSync(join(tmpdir(), 's3share-bench-clients-'));
  const results = [];
  try {
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    s3.destroy();
    const env = benchEnv(proxy.url);

    const onboard = `apply ${clients} clients through a ${WRITES_PER_SECOND} writes/s throttle, +${LATENCY_MS} ms/request`;
    results.push(
      ...(await measure(onboard, 'within 1.3x of the throttle floor, >= 5x faster than a create loop, 0 failures', async () => {
        const names = Array.from({ length: clients }, (_, i) => `apply-${String(i).padStart(4, '0')}`);
        const list = join(dir, 'onboard.csv');
        writeList(list, names);
        const keys = join(dir, 'keys');
        proxy.reset();
        const applied = await timeRun(
          'node',
          [CLI, 'apply', list, '--keys-dir', keys, '--rate', String(WRITES_PER_SECOND), '--concurrency', '16'],
          env,
        );
        const writes = proxy.writes.length;
        const throttled = proxy.throttled;
        check(readdirSync(keys).length === clients, `expected ${clients} key files, found ${readdirSync(keys).length}`);
        check(/(^|\n)\d+ changes\n$/.test(applied.stderr) && !/failed/.test(applied.stderr), 'apply reported failures');
        const floor = (writes / WRITES_PER_SECOND) * 1000;
        proxy.reset();
        const again = await timeRun('node', [CLI, 'apply', list, '--keys-dir', keys], env);
        check(proxy.writes.length === 0 && /(^|\n)0 changes\n$/.test(again.stderr), `the second apply wrote ${proxy.writes.length} times`);

        // The loop: one `create` process per client, one after another, as a shell loop runs them.
        const loopDir = join(dir, 'loop');
        spawnSync('mkdir', ['-p', loopDir]);
        const t0 = Date.now();
        for (let i = 0; i < clients; i++) {
          const name = `loop-${String(i).padStart(4, '0')}`;
          await timeRun(
            'node',
            [CLI, 'create', BUCKET, '--prefix', `${name}/`, '--username', name, '--no-wait', '--output', join(loopDir, `${name}.json`)],
            env,
          );
        }
        const loopMs = Date.now() - t0;
        check((await countUsers(moto.endpoint, 'loop-')) === clients, 'the loop did not create every user');
        const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
        return [
          report(
            `${onboard}: vs the throttle floor`,
            `${(applied.ms / floor).toFixed(2)}x the floor (${s(applied.ms)} for ${writes} writes, floor ${s(floor)}; ${throttled} throttled and retried)`,
            '<= 1.3x',
            applied.ms <= 1.3 * floor,
          ),
          report(
            `${onboard}: vs a loop of ${clients} create processes`,
            `${(loopMs / applied.ms).toFixed(1)}x faster (${s(applied.ms)} vs ${s(loopMs)})`,
            '>= 5x',
            loopMs / applied.ms >= 5,
          ),
        ];
      })),
    );

    const planName = `plan over ${planClients} listed clients, all applied`;
    results.push(
      await measure(planName, '<= 2 s', async () => {
        const names = Array.from({ length: planClients }, (_, i) => `plan-${String(i).padStart(4, '0')}`);
        const list = join(dir, 'plan.csv');
        writeList(list, names);
        const direct = benchEnv(moto.endpoint);
        await timeRun('node', [CLI, 'apply', list, '--keys-dir', join(dir, 'plan-keys'), '--rate', '1000', '--concurrency', '16'], direct);
        const times = [];
        for (let i = 0; i < rounds; i++) {
          const r = await timeRun('node', [CLI, 'plan', list, '--nl'], direct);
          const records = r.stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l));
          check(records.length === planClients && records.every((x) => x.Action === 'none'), 'plan did not find every client applied');
          times.push(r.ms);
        }
        const ms = median(times);
        return report(planName, `${(ms / 1000).toFixed(2)} s (median of ${rounds})`, '<= 2 s', ms <= 2000);
      }),
    );
    return results;
  } finally {
    await proxy.close();
    await moto.stop();
  }
}
