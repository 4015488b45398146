// `access` answered offline from a snapshot file: the table of who can reach a bucket, what one
// principal can reach, --check's findings, incomplete snapshots, output formats and bad input.
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { AccountSnapshot } from '../../../src/policies/access/account';
import { runCli } from '../support/run-cli';
import { accountSnapshot, BUCKET, PARTNER, template } from './fixture';

const dir = mkdtempSync(join(tmpdir(), 'access-unit-'));
let n = 0;
function snapshotFile(snapshot: AccountSnapshot = accountSnapshot()): string {
  const file = join(dir, `snapshot-${n++}.json`);
  writeFileSync(file, JSON.stringify(snapshot));
  return file;
}

type Row = Record<string, unknown>;
const summary = (r: Row) => [r.Principal, r.Type, r.Prefix, r.List, r.Read, r.Write, r.Delete, r.Policy].join(' ');

describe('access BUCKET --from-snapshot', () => {
  it('lists every principal that can do anything there, with its reach, capabilities and deciding policies', async () => {
    const r = await runCli(['access', BUCKET, '--from-snapshot', snapshotFile()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map(summary)).toEqual([
      'admin user  yes yes yes yes yes',
      'alice user alice/ yes yes yes yes no',
      'bob user bob/ yes yes no no no',
      'alice-evil user alice-evil/ yes yes yes yes no',
      // "alice*" (no slash) reaches alice/ and alice-evil/ alike: its reach says so.
      'legacy user alice no yes no no no',
      'carol user  yes yes yes yes yes',
      'ops user  no no no no yes',
      // The Deny on GetObject wins over its Allow.
      'denied user  yes no yes no no',
      // s3:* on *, cut down by a boundary to team/.
      'bounded user team/ no yes yes no no',
      'reader-role role  yes yes no no no',
      `account ${PARTNER} account partner/ no yes no no no`,
      '(anyone) public public/ no yes no no no',
    ]);
    expect(rows.find((x) => x.Principal === 'unrelated')).toBeUndefined();
    expect(rows.find((x) => x.Principal === 'carol')).toMatchObject({
      DecidedBy: ['group everything inline all-of-it'],
      MadeByS3Share: true,
    });
    expect(rows.find((x) => x.Principal === 'bounded')!.DecidedBy).toEqual([
      'user bounded inline all-s3',
      'user bounded boundary public-only',
    ]);
    expect(rows.find((x) => x.Type === 'account')!.DecidedBy).toContain(`bucket ${BUCKET} policy`);
    expect(rows.every((x) => x.Incomplete === '')).toBe(true);
  });

  it('BUCKET/PREFIX: only who reaches under that prefix', async () => {
    const r = await runCli(['access', `${BUCKET}/alice-evil/`, '--from-snapshot', snapshotFile(), '--nl']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(rows.map((x) => `${String(x.Principal)} ${String(x.Prefix)}`)).toEqual([
      'admin alice-evil/',
      'alice-evil alice-evil/',
      'legacy alice-evil/',
      'carol alice-evil/',
      // Whoever may change the bucket policy reaches every prefix.
      'ops alice-evil/',
      'denied alice-evil/',
      'reader-role alice-evil/',
    ]);
    expect(rows.find((x) => x.Principal === 'bounded')).toBeUndefined();
  });

  it('--table: a readable table; --csv: the record columns', async () => {
    const table = await runCli(['access', BUCKET, '--from-snapshot', snapshotFile(), '--table']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PRINCIPAL +TYPE +WHERE +LIST +READ +WRITE +DELETE +POLICY +DECIDED BY$/);
    expect(lines.find((l) => l.startsWith('alice '))).toMatch(
      /^alice +user +shared-files\/alice\/ +yes +yes +yes +yes +no +user alice inline s3-share.read-write$/,
    );
    expect(lines).toHaveLength(13);
    const csv = await runCli(['access', BUCKET, '--from-snapshot', snapshotFile(), '--csv']);
    expect(csv.stdout.split('\n')[0]).toBe(
      'Bucket,Prefix,Principal,Type,List,Read,Write,Delete,Policy,DecidedBy,Conditions,MadeByS3Share,Incomplete,Arn,AssumableBy,ViaRole',
    );
  });

  it('a condition it cannot resolve makes a capability conditional, naming the key', async () => {
    const s = accountSnapshot();
    s.buckets[0]!.policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
        },
      ],
    };
    const r = await runCli(['access', BUCKET, '--from-snapshot', snapshotFile(s), '--nl']);
    const anyone = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row)
      .find((x) => x.Type === 'public');
    expect(anyone).toMatchObject({ Read: 'conditional', List: 'no', Conditions: ['aws:SourceVpce'] });
  });
});

describe('conditions on what the caller sends or where it is', () => {
  const run = async (policy: object[], user?: object) => {
    const s = accountSnapshot();
    s.buckets[0]!.policy = { Version: '2012-10-17', Statement: policy };
    if (user)
      s.principals.find((p) => p.name === 'unrelated')!.inline = [{ name: 'cond', document: { Version: '2012-10-17', Statement: [user] } }];
    const r = await runCli(['access', BUCKET, '--from-snapshot', snapshotFile(s), '--nl']);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
  };

  it('an Allow from one address range only is conditional on aws:SourceIp, not "no"', async () => {
    const rows = await run([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      },
    ]);
    expect(rows.find((x) => x.Type === 'public')).toMatchObject({ Read: 'conditional', Conditions: ['aws:SourceIp'] });
  });

  it('a Deny unless from the office makes an Allow conditional', async () => {
    const rows = await run(
      [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } },
        },
      ],
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
    );
    expect(rows.find((x) => x.Principal === 'unrelated')).toMatchObject({ Read: 'conditional', Conditions: ['aws:SourceIp'] });
  });

  it('a PutObject that needs an ACL header is a "yes": the caller sends it', async () => {
    const rows = await run(
      [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
        },
      ],
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/drop/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    );
    expect(rows.find((x) => x.Principal === 'unrelated')).toMatchObject({ Write: 'yes', Prefix: 'drop/', Conditions: [] });
  });
});

describe('principals reached through the bucket policy alone', () => {
  it('a user or role the bucket policy names by ARN, or a "*" narrowed by a condition, is shown', async () => {
    const s = accountSnapshot();
    const policy = s.buckets[0]!.policy as { Statement: object[] };
    policy.Statement.push(
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:user/unrelated' },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/vendor/*`,
      },
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/inbox/*`,
        Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
      },
    );
    const r = await runCli(['access', BUCKET, '--from-snapshot', snapshotFile(s), '--nl']);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    // unrelated reads vendor/ (by ARN) and writes inbox/ (as a principal of the account): reach is their common prefix.
    expect(summary(rows.find((x) => x.Principal === 'unrelated')!)).toBe('unrelated user  no yes yes no no');
    expect(rows.find((x) => x.Type === 'public')).toMatchObject({ Write: 'no' });
  });
});

describe('access --user / --role', () => {
  it('each bucket the user can reach, the narrowest prefix, its capabilities', async () => {
    const r = await runCli(['access', '--user', 'alice', '--from-snapshot', snapshotFile(), '--nl']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => summary(JSON.parse(l) as Row)),
    ).toEqual(['alice user alice/ yes yes yes yes no']);
    const admin = await runCli(['access', '--user', 'admin', '--from-snapshot', snapshotFile(), '--nl']);
    expect(
      admin.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Row).Bucket),
    ).toEqual([BUCKET, 'other-bucket']);
    const role = await runCli(['access', '--role', 'reader-role', '--from-snapshot', snapshotFile(), '--nl']);
    expect(
      role.stdout
        .trim()
        .split('\n')
        .map((l) => summary(JSON.parse(l) as Row)),
    ).toEqual(['reader-role role  yes yes no no no']);
  });

  it('a role reaches as far for whoever may assume it: its row says who, and --user shows it', async () => {
    const s = accountSnapshot();
    const role = s.principals.find((p) => p.name === 'reader-role')!;
    role.trust = {
      Version: '2012-10-17',
      // Trust in the account delegates to IAM: whoever's own policies allow sts:AssumeRole on it
      // (admin, unrelated), not legacy, whose policies do not.
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }],
    };
    s.principals
      .find((p) => p.name === 'unrelated')!
      .inline.push({
        name: 'assume',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role.arn }] },
      });
    const file = snapshotFile(s);
    const table = await runCli(['access', BUCKET, '--from-snapshot', file, '--table']);
    expect(table.stdout).toMatch(/^reader-role \(assumed by user admin, user unrelated\) +role +shared-files\/ +yes +yes +no +no +no /m);
    const r = await runCli(['access', '--user', 'unrelated', '--from-snapshot', file, '--nl']);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(rows.map((x) => `${String(x.Bucket)} ${summary(x)} via ${String(x.ViaRole)}`)).toEqual([
      'other-bucket unrelated user  no yes yes yes no via ',
      `${BUCKET} reader-role role  yes yes no no no via reader-role`,
    ]);
  });

  it('a principal that is not there: exit 1, one line', async () => {
    const r = await runCli(['access', '--user', 'ghost', '--from-snapshot', snapshotFile()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: user ghost is not in the account: check the name with 's3-share list-users'\n");
    expect(r.stdout).toBe('');
  });
});

describe('access --check', () => {
  it('flags the planted problems, one per line, and exits 1', async () => {
    const r = await runCli(['access', BUCKET, '--check', '--from-snapshot', snapshotFile()]);
    expect(r.code).toBe(1);
    const findings = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('  ').slice(0, 3).join(' '));
    expect(findings.sort()).toEqual(
      [
        `beyond-grant ${BUCKET} carol`,
        `other-client-prefix ${BUCKET} legacy`,
        `other-client-prefix ${BUCKET} legacy`,
        `policy-changer ${BUCKET} carol`,
        `policy-changer ${BUCKET} ops`,
        `public-read ${BUCKET} (anyone)`,
      ].sort(),
    );
    expect(r.stdout).toContain('legacy  can read (yes) alice-evil/, the prefix of user alice-evil, via user legacy inline old-share');
    expect(r.stderr).toBe('error: access --check: 6 finding(s), listed on stdout: fix them or accept them\n');
  });

  it('a clean account: exit 0, nothing on stdout', async () => {
    const s = accountSnapshot();
    s.principals = s.principals.filter((p) => ['admin', 'alice', 'bob', 'alice-evil', 'reader-role'].includes(p.name));
    s.buckets[0]!.policy = null;
    const r = await runCli(['access', '--check', '--from-snapshot', snapshotFile(s)]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: '' });
    expect(r.stderr).toBe('access --check: no findings\n');
  });

  it('alone: every s3-share principal is held to its grant, even one that reaches no bucket', async () => {
    const s = accountSnapshot();
    s.principals.push({
      kind: 'user',
      name: 'dave',
      arn: 'arn:aws:iam::111122223333:user/dave',
      tags: [{ Key: 's3-share:made-by', Value: 's3-share/1.0.0' }],
      inline: [{ name: 's3-share.read-only.1234abcd', document: template('read-only', 'gone-bucket') }],
      managed: [],
      groups: ['iam-admins'],
    });
    s.groups.push({
      name: 'iam-admins',
      inline: [{ name: 'iam', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] } }],
      managed: [],
    });
    const r = await runCli(['access', '--check', '--from-snapshot', snapshotFile(s)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^beyond-grant {2}gone-bucket {2}dave {2}iam:CreateUser on arn:aws:iam::111122223333:user\/dave.*allowed by group iam-admins inline iam$/m,
    );
    const bucketOnly = await runCli(['access', BUCKET, '--check', '--from-snapshot', snapshotFile(s)]);
    expect(bucketOnly.stdout).not.toContain('dave');
  });

  it("--user: only that principal's findings; --nl: records", async () => {
    const r = await runCli(['access', '--user', 'legacy', '--check', '--from-snapshot', snapshotFile(), '--nl']);
    expect(r.code).toBe(1);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(records.map((x) => `${String(x.Finding)} ${String(x.Principal)}`)).toEqual([
      'other-client-prefix legacy',
      'other-client-prefix legacy',
    ]);
  });
});

describe('an incomplete snapshot never looks safer', () => {
  it('an unreadable bucket policy: the public row is conditional, rows say incomplete, --check fails', async () => {
    const s = accountSnapshot();
    s.buckets[0] = { name: BUCKET, policy: null, error: 'AccessDenied' };
    const file = snapshotFile(s);
    const r = await runCli(['access', BUCKET, '--from-snapshot', file, '--nl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warning: incomplete: the policy of bucket ${BUCKET} could not be read (AccessDenied)\n`);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(rows.find((x) => x.Type === 'public')).toMatchObject({ List: 'conditional', Read: 'conditional', Write: 'conditional' });
    expect(rows.every((x) => String(x.Incomplete).includes('bucket policy unreadable (AccessDenied)'))).toBe(true);
    const check = await runCli(['access', '--check', '--from-snapshot', file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`incomplete  ${BUCKET}  -  bucket policy unreadable (AccessDenied)`);
  });

  it('a managed policy missing from the snapshot marks its principal incomplete', async () => {
    const s = accountSnapshot();
    s.policies = s.policies.filter((p) => p.name !== 'public-only');
    const r = await runCli(['access', BUCKET, '--from-snapshot', snapshotFile(s), '--nl']);
    const bounded = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row)
      .find((x) => x.Principal === 'bounded');
    // Without its boundary it is shown with everything its identity policy allows, and flagged.
    expect(bounded).toMatchObject({ Read: 'yes', Write: 'yes', Delete: 'yes', Policy: 'yes', Prefix: '' });
    expect(bounded!.Incomplete).toMatch(/public-only unreadable/);
  });
});

describe('bad input', () => {
  it('exit 2 with one line and nothing on stdout', async () => {
    const file = snapshotFile();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"something else"}');
    for (const [args, cause] of [
      [['access'], /name a BUCKET/],
      [['access', BUCKET, '--user', 'alice', '--from-snapshot', file], /BUCKET and --user conflict/],
      [['access', '--user', 'a', '--role', 'b', '--from-snapshot', file], /--user and --role conflict/],
      [['access', BUCKET, '--snapshot', 'x', '--from-snapshot', file], /--snapshot and --from-snapshot conflict/],
      [['access', BUCKET, '--table', '--csv', '--from-snapshot', file], /--table conflicts/],
      [['access', 'Bad_Bucket', '--from-snapshot', file], /bucket/i],
      [['access', BUCKET, '--from-snapshot', join(dir, 'missing.json')], /cannot read snapshot .*ENOENT/],
      [['access', BUCKET, '--from-snapshot', bad], /is not an s3-share access snapshot/],
    ] as const) {
      const r = await runCli([...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(cause);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});
