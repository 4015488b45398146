// access over a generated account of 1,000 users and 20 buckets, answered from a snapshot file
// (--from-snapshot), so the figure is the analysis, not AWS. Target: `access BUCKET` and
// `access --user NAME` each within 2 s, measured as the CLI's whole wall time (start-up and
// reading the snapshot included, so the target is met with room to spare when it passes).
//
// The account: 1,000 users, most of them s3-share prefix clients (user-NNNN on bucket NNNN % 20,
// prefix user-NNNN/, the policy s3-share writes), every tenth also in one of 5 groups that grant a
// whole bucket, every fiftieth with an attached managed policy granting s3:* on two buckets, 3
// administrators; 20 roles; each bucket's policy grants another account a prefix and the public
// another. Every run's output is checked (row count, the client's own row); a run that fails the
// check is INVALID.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, check, CLI, measure, report, ROOT, timeRun } from './lib.mjs';

const USERS = 1000;
const BUCKETS = 20;
const ACCOUNT = '111122223333';
const bucket = (i) => `bench-bucket-${String(i % BUCKETS).padStart(2, '0')}`;
const userName = (i) => `user-${String(i).padStart(4, '0')}`;
const doc = (...Statement) => ({ Version: '2012-10-17', Statement });

function template(name, b, prefix = '') {
  const text = readFileSync(join(ROOT, 'policies', `${name}.json`), 'utf8');
  return JSON.parse(text.replaceAll('$!BUCKET_NAME!$', b).replaceAll('$!PREFIX!$', prefix));
}

/** The generated snapshot, and how many rows `access bench-bucket-00` must print. */
export function generateSnapshot() {
  const principals = [];
  const policies = [
    {
      arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      name: 'AdministratorAccess',
      document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
    },
  ];
  for (let k = 0; k < 10; k++) {
    policies.push({
      arn: `arn:aws:iam::${ACCOUNT}:policy/team-${k}`,
      name: `team-${k}`,
      document: doc({
        Effect: 'Allow',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket(k)}`, `arn:aws:s3:::${bucket(k)}/*`, `arn:aws:s3:::${bucket(k + 10)}/*`],
      }),
    });
  }
  const groups = Array.from({ length: 5 }, (_, g) => ({
    name: `group-${g}`,
    inline: [{ name: 'whole-bucket', document: template('read-only', bucket(g + 5)) }],
    managed: [],
  }));
  let rowsOnBucket0 = 0;
  for (let i = 0; i < USERS; i++) {
    const name = userName(i);
    const mode = i % 3 === 0 ? 'read-only' : 'read-write';
    const p = {
      kind: 'user',
      name,
      arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
      tags: [
        { Key: 's3-share:made-by', Value: 's3-share/1.0.0' },
        { Key: 's3-share:grant', Value: `${mode} ${bucket(i)}/${name}/` },
      ],
      inline: [{ name: `s3-share.${mode}.bench`, document: template(`${mode}-prefix`, bucket(i), `${name}/`) }],
      managed: i % 50 === 0 ? [`arn:aws:iam::${ACCOUNT}:policy/team-${(i / 50) % 10}`] : [],
      groups: i % 10 === 0 ? [`group-${(i / 10) % 5}`] : [],
    };
    if (i < 3) {
      p.managed = ['arn:aws:iam::aws:policy/AdministratorAccess'];
      p.tags = [];
    }
    principals.push(p);
    const reaches0 = i < 3 || i % BUCKETS === 0 || p.managed.some((a) => /team-(0|10)$/.test(a));
    if (reaches0) rowsOnBucket0++;
  }
  for (let r = 0; r < 20; r++) {
    principals.push({
      kind: 'role',
      name: `role-${r}`,
      arn: `arn:aws:iam::${ACCOUNT}:role/role-${r}`,
      tags: [],
      inline: [{ name: 'read', document: template('read-only', bucket(r + 1)) }],
      managed: [],
      groups: [],
    });
    if ((r + 1) % BUCKETS === 0) rowsOnBucket0++;
  }
  const buckets = Array.from({ length: BUCKETS }, (_, b) => ({
    name: bucket(b),
    policy: doc(
      {
        Sid: 'Partner',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444455556666:root' },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket(b)}/partner/*`,
      },
      { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket(b)}/public/*` },
    ),
  }));
  // Other account and the public on bucket 0.
  rowsOnBucket0 += 2;
  const snapshot = {
    format: 's3-share-access-snapshot',
    version: 1,
    takenAt: new Date().toISOString(),
    partition: 'aws',
    account: ACCOUNT,
    principals,
    groups,
    policies,
    buckets,
    incomplete: [],
  };
  return { snapshot, rowsOnBucket0 };
}

export async function benchAccess({ rounds = 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 's3share-bench-access-'));
  try {
    const { snapshot, rowsOnBucket0 } = generateSnapshot();
    const file = join(dir, 'account.json');
    writeFileSync(file, JSON.stringify(snapshot));
    // No AWS at all: an unreachable endpoint proves --from-snapshot makes no call.
    const env = { PATH: process.env.PATH, HOME: dir, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1' };
    const bucketRun = async () => {
      const r = await timeRun('node', [CLI, 'access', bucket(0), '--from-snapshot', file, '--nl'], env);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      check(rows.length === rowsOnBucket0, `expected ${rowsOnBucket0} rows on ${bucket(0)}, got ${rows.length}`);
      check(
        rows.some((x) => x.Principal === userName(20) && x.Prefix === `${userName(20)}/`),
        `no row for ${userName(20)} bounded to its prefix`,
      );
      return r.ms;
    };
    const userRun = async () => {
      const r = await timeRun('node', [CLI, 'access', '--user', userName(500), '--from-snapshot', file, '--nl'], env);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      // user-0500: its own prefix, team-0's two buckets (managed), group-0's bucket.
      check(rows.length === 3, `expected 3 buckets for ${userName(500)}, got ${rows.length}`);
      return r.ms;
    };
    const startup = async () => (await timeRun('node', [CLI, '--version'], env)).ms;
    const name = `access from a snapshot of ${USERS} users and ${BUCKETS} buckets`;
    return [
      await measure(name, '<= 2 s each', async () => {
        const [b, u, s] = await alternate(rounds, [bucketRun, userRun, startup]);
        const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
        return [
          report(`${name}: access BUCKET`, `${secs(b)} wall (start-up alone ${secs(s)}), median of ${rounds}`, '<= 2 s', b <= 2000),
          report(`${name}: access --user`, `${secs(u)} wall (start-up alone ${secs(s)}), median of ${rounds}`, '<= 2 s', u <= 2000),
        ];
      }),
    ].flat();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
