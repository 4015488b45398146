// list-user-policies over 150 users with 2 inline policies each, through a loopback proxy that
// adds 25 ms to every request (standing in for AWS round trips). Target: at least 8x faster than
// the reference below.
//
// The reference is s3-share itself, run with the 150 users named and --concurrency 1: its
// per-user path (ListUserPolicies, then GetUserPolicy for each policy), one request at a time. It
// stands in for a tool that reads users one after another (as a hand-written loop would); it is
// not an independent tool, and it is named for what it is in the report. Two measurements
// against it:
//  - every user, default settings: what a user runs (GetAccountAuthorizationDetails, few requests);
//  - the 150 users named, default concurrency: the per-user path alone, where concurrency is the
//    only lever (bounded here by moto's own throughput, not by round trips).
// Every run's output is checked: exactly 300 records, one per (user, policy), with the policy
// documents the seed wrote. A run that fails the check makes its figure INVALID.
import { CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { createRequire } from 'node:module';
import { alternate, benchEnv, check, CLI, measure, report, startMoto, timeRun } from './lib.mjs';

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

/** Throws InvalidRun unless stdout holds exactly the seeded (user, policy) pairs, each once, with its bucket. */
function checkRecords(stdout) {
  const lines = stdout.trim().split('\n').filter(Boolean);
  const seen = new Set();
  for (const line of lines) {
    const r = JSON.parse(line);
    const i = NAMES.indexOf(r.UserName);
    const bucket = `bucket-${i + (r.PolicyName === 'second' ? 1000 : 0)}`;
    if (i >= 0 && ['first', 'second'].includes(r.PolicyName) && JSON.stringify(r).includes(`arn:aws:s3:::${bucket}/*`)) {
      seen.add(`${r.UserName}/${r.PolicyName}`);
    }
  }
  check(
    lines.length === USERS * 2 && seen.size === USERS * 2,
    `expected ${USERS * 2} records (each seeded user and policy once), got ${lines.length} lines, ${seen.size} matching`,
  );
}

export async function benchListUserPolicies({ rounds = 3, latencyMs = 25 } = {}) {
  const moto = await startMoto();
  const proxy = await startFaultProxy({ target: moto.endpoint, latencyMs });
  try {
    await seed(moto.endpoint);
    const env = benchEnv(proxy.url);
    const run = (extra) => async () => {
      const r = await timeRun('node', [CLI, 'list-user-policies', '--nl', ...extra], env);
      checkRecords(r.stdout);
      return r.ms;
    };
    const requests = async (fn) => {
      const before = proxy.requests;
      const ms = await fn();
      return { ms, requests: proxy.requests - before };
    };
    const REFERENCE = `s3-share itself with the ${USERS} users named and --concurrency 1 (one request at a time)`;
    const everyName = `list-user-policies, every user (${USERS} x 2 inline, +${latencyMs} ms/request) vs ${REFERENCE}`;
    const namedName = `list-user-policies, ${USERS} named users, per-user path: default concurrency (8) vs ${REFERENCE}`;
    return [
      await measure(`${everyName}; ${namedName}`, '>= 8x', async () => {
        const measured = await alternate(rounds, [run([]), run(NAMES), run([...NAMES, '--concurrency', '1'])]);
        const counts = [];
        for (const extra of [[], NAMES, [...NAMES, '--concurrency', '1']]) counts.push((await requests(run(extra))).requests);
        const [everyUser, named, serial] = measured;
        const line = (ms, n) => `${(ms / 1000).toFixed(2)} s, ${n} requests`;
        return [
          report(
            everyName,
            `${(serial / everyUser).toFixed(2)}x faster (${line(everyUser, counts[0])} vs ${line(serial, counts[2])}, medians of ${rounds})`,
            '>= 8x',
            serial / everyUser >= 8,
          ),
          report(
            namedName,
            `${(serial / named).toFixed(2)}x faster (${line(named, counts[1])} vs ${line(serial, counts[2])}, medians of ${rounds})`,
            '>= 8x',
            serial / named >= 8,
          ),
        ];
      }),
    ].flat();
  } finally {
    await proxy.close();
    await moto.stop();
  }
}
