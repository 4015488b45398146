// list-user-policies over 150 users with 2 inline policies each, through a loopback proxy that
// adds 25 ms to every request (standing in for AWS round trips). Target: at least 8x faster than
// a serial tool, i.e. the same records read one request at a time (--concurrency 1).
//
// Two measurements, each against --concurrency 1 with the 150 users named (the per-user path,
// one request at a time: what a serial tool does):
//  - every user, default: what a user runs (GetAccountAuthorizationDetails, few requests);
//  - the 150 users named, default concurrency: the per-user path alone, where concurrency is the
//    only lever (bounded here by moto's own throughput, not by round trips).
import { CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { createRequire } from 'node:module';
import { alternate, benchEnv, CLI, report, startMoto, timeRun } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startFaultProxy } = require('../tests/support/fault-proxy.js');

const USERS = 150;
const NAMES = Array.from({ length: USERS }, (_, i) => `bench-user-${String(i).padStart(3, '0')}`);

async function seed(endpoint) {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' } });
  const doc = (i) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${i}/*` }],
    });
  const users = NAMES;
  for (let i = 0; i < users.length; i += 16) {
    await Promise.all(
      users.slice(i, i + 16).map(async (UserName, k) => {
        await iam.send(new CreateUserCommand({ UserName }));
        await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'first', PolicyDocument: doc(i + k) }));
        await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'second', PolicyDocument: doc(i + k + 1000) }));
      }),
    );
  }
}

export async function benchListUserPolicies({ rounds = 2, latencyMs = 25 } = {}) {
  const moto = await startMoto();
  const proxy = await startFaultProxy({ target: moto.endpoint, latencyMs });
  try {
    await seed(moto.endpoint);
    const env = benchEnv(proxy.url);
    const run = (extra) => async () => {
      const r = await timeRun('node', [CLI, 'list-user-policies', '--nl', ...extra], env);
      const n = r.stdout.trim().split('\n').length;
      if (n !== USERS * 2) throw new Error(`expected ${USERS * 2} records, got ${n}`);
      return r.ms;
    };
    const requests = async (fn) => {
      const before = proxy.requests;
      const ms = await fn();
      return { ms, requests: proxy.requests - before };
    };
    const measured = await alternate(rounds, [run([]), run(NAMES), run([...NAMES, '--concurrency', '1'])]);
    const counts = [];
    for (const extra of [[], NAMES, [...NAMES, '--concurrency', '1']]) counts.push((await requests(run(extra))).requests);
    const [everyUser, named, serial] = measured;
    const line = (ms, n) => `${(ms / 1000).toFixed(2)} s, ${n} requests`;
    return [
      report(
        `list-user-policies, every user (${USERS} x 2 inline, +${latencyMs} ms/request) vs a serial tool (named, --concurrency 1)`,
        `${(serial / everyUser).toFixed(2)}x faster (${line(everyUser, counts[0])} vs ${line(serial, counts[2])})`,
        '>= 8x',
        serial / everyUser >= 8,
      ),
      report(
        `list-user-policies, ${USERS} named users, per-user path: default concurrency (8) vs --concurrency 1`,
        `${(serial / named).toFixed(2)}x faster (${line(named, counts[1])} vs ${line(serial, counts[2])})`,
        '>= 8x',
        serial / named >= 8,
      ),
    ];
  } finally {
    await proxy.close();
    await moto.stop();
  }
}
