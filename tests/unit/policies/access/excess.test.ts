/**
 * findExcess: what a key could do beyond the policy s3-share wrote for it. Each case plants one
 * kind of extra reach beside a real s3-share grant and checks it is found, named, and attributed to
 * the policy that gives it; and that s3-share's own grants, alone, show nothing more.
 */
import { describeExcess, findExcess, type ExcessScope } from '../../../../src/policies/access/excess';
import type { LabelledPolicy, PolicySet } from '../../../../src/policies/access';
import { ACCESS_MODES, renderPolicy } from '../../../../src/policies/templates';
import { assumeOnlyPolicy } from '../../../../src/policies/trust';

const ACCOUNT = '123456789012';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const scope = (prefixes: string[] = [], extra: Partial<ExcessScope> = {}): ExcessScope => ({
  partition: 'aws',
  account: ACCOUNT,
  buckets: ['photos'],
  prefixes,
  ...extra,
});

async function grantFor(mode: (typeof ACCESS_MODES)[number], prefix?: string): Promise<LabelledPolicy> {
  const { document } = await renderPolicy({ buckets: ['photos'], mode, ...(prefix ? { prefix } : {}) });
  return { label: `user alice inline s3-share.${mode}`, document };
}

const ADMIN: LabelledPolicy = { label: 'managed AdministratorAccess', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) };
const S3_READ_ONLY: LabelledPolicy = {
  label: 'boundary AmazonS3ReadOnlyAccess',
  document: doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }),
};

describe('findExcess', () => {
  it.each(
    ACCESS_MODES.flatMap(
      (mode) =>
        [
          [mode, undefined],
          [mode, 'alice/'],
        ] as const,
    ),
  )("finds nothing beyond s3-share's own %s grant (prefix %s)", async (mode, prefix) => {
    const grant = await grantFor(mode, prefix);
    const set: PolicySet = { inline: [grant] };
    expect(findExcess({ principal: ALICE, full: set, grant: set, scope: scope(prefix ? [prefix] : []) })).toEqual([]);
  });

  it('finds IAM, other services and other buckets for an administrator, attributed to the managed policy', async () => {
    const grant = await grantFor('read-only');
    const excess = findExcess({
      principal: ALICE,
      full: { inline: [grant], managed: [ADMIN] },
      grant: { inline: [grant] },
      scope: scope(),
    });
    const actions = new Set(excess.map((e) => e.action));
    for (const a of ['iam:CreateUser', 'iam:CreateAccessKey', 'sts:AssumeRole', 'ec2:RunInstances', 's3:PutObject', 's3:PutBucketPolicy'])
      expect(actions).toContain(a);
    expect(excess.some((e) => e.resource === 'arn:aws:s3:::s3-share-probe-other-bucket')).toBe(true);
    expect(excess.every((e) => e.reasons.some((r) => r.policy === 'managed AdministratorAccess'))).toBe(true);
    const line = describeExcess(excess);
    expect(line).toMatch(/^iam:/);
    expect(line).toContain('allowed by managed AdministratorAccess');
    expect(line).toMatch(/and \d+ more requests/);
  });

  it("finds the issue's case: an administrator behind an S3 read-only boundary still reads every bucket", async () => {
    const grant = await grantFor('read-only');
    const excess = findExcess({
      principal: ALICE,
      full: { inline: [grant], managed: [ADMIN], boundary: S3_READ_ONLY },
      grant: { inline: [grant] },
      scope: scope(),
    });
    expect(excess.map((e) => e.action)).not.toContain('iam:CreateUser');
    expect(excess).toContainEqual(
      expect.objectContaining({ action: 's3:GetObject', resource: 'arn:aws:s3:::s3-share-probe-other-bucket/s3-share-probe' }),
    );
    expect(excess).toContainEqual(expect.objectContaining({ action: 's3:GetBucketPolicy', resource: 'arn:aws:s3:::photos' }));
  });

  it('finds a group policy that reaches a sibling folder, and names the group', async () => {
    const grant = await grantFor('read-only', 'alice/');
    const group = {
      name: 'clients',
      inline: [
        {
          label: 'group clients inline wide',
          document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/alice*' }),
        },
      ],
      managed: [],
    };
    const excess = findExcess({
      principal: ALICE,
      full: { inline: [grant], groups: [group] },
      grant: { inline: [grant] },
      scope: scope(['alice/']),
    });
    expect(excess).toEqual([
      expect.objectContaining({
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::photos/alice-s3-share-probe/s3-share-probe',
        reasons: [expect.objectContaining({ policy: 'group clients inline wide' })],
      }),
    ]);
  });

  it('finds listing beyond the folder through s3:prefix', async () => {
    const grant = await grantFor('read-only', 'alice/');
    const lister: LabelledPolicy = {
      label: 'inline lister',
      document: doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::photos' }),
    };
    const excess = findExcess({
      principal: ALICE,
      full: { inline: [grant, lister] },
      grant: { inline: [grant] },
      scope: scope(['alice/']),
    });
    expect(excess.map((e) => e.prefix).sort()).toEqual(['', 'alice-s3-share-probe/']);
    expect(describeExcess(excess)).toContain('(s3:prefix "")');
  });

  it('counts a grant that depends on an unknown condition key as conditional excess, naming the key', async () => {
    const grant = await grantFor('read-only');
    const tagged: LabelledPolicy = {
      label: 'inline by-tag',
      document: doc({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestTag/team': 'x' } },
      }),
    };
    const excess = findExcess({ principal: ALICE, full: { inline: [grant, tagged] }, grant: { inline: [grant] }, scope: scope() });
    expect(excess).toEqual([
      expect.objectContaining({ action: 'ec2:RunInstances', decision: 'Conditional', unresolvedKeys: ['aws:RequestTag/team'] }),
    ]);
    expect(describeExcess(excess)).toContain('(conditionally)');
  });

  it('lets an explicit Deny or a tight boundary remove the excess', async () => {
    const grant = await grantFor('read-write', 'alice/');
    const denyAllElse: LabelledPolicy = {
      label: 'inline fence',
      document: doc(
        { Effect: 'Deny', NotAction: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::photos', 'arn:aws:s3:::photos/alice/*'] },
      ),
    };
    expect(
      findExcess({
        principal: ALICE,
        full: { inline: [grant, denyAllElse], managed: [ADMIN] },
        grant: { inline: [grant] },
        scope: scope(['alice/']),
      }).map((e) => e.action),
    ).toEqual(
      // Still excess: bucket-level administration and listing of the whole bucket, which the fence's
      // NotResource leaves open on the bucket ARN itself.
      expect.arrayContaining(['s3:PutBucketPolicy']),
    );
    expect(
      findExcess({
        principal: ALICE,
        full: { inline: [grant], managed: [ADMIN], boundary: grant },
        grant: { inline: [grant] },
        scope: scope(['alice/']),
      }),
    ).toEqual([]);
  });

  it('counts a bucket policy naming the principal, but not what the public may do anyway', async () => {
    const grant = await grantFor('read-only', 'alice/');
    const naming: LabelledPolicy = {
      label: 'bucket photos policy',
      document: doc(
        { Sid: 'AliceAll', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' },
        { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObjectAcl', Resource: 'arn:aws:s3:::photos/*' },
      ),
    };
    const excess = findExcess({
      principal: ALICE,
      full: { inline: [grant] },
      grant: { inline: [grant] },
      scope: scope(['alice/'], { bucketPolicies: { photos: naming } }),
    });
    expect(new Set(excess.map((e) => e.action))).toEqual(new Set(['s3:GetObject']));
    expect(excess[0]!.reasons[0]!.statement).toContain('AliceAll');
  });

  it("finds nothing beyond a barren user's assume-only policy, and its role's grant judged apart", async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/alice-role`;
    const assumeOnly: PolicySet = { inline: [{ label: 'user alice inline s3-share.assume-role', document: assumeOnlyPolicy(roleArn) }] };
    // The barren user: only sts:AssumeRole on its own role, which no probe is.
    expect(findExcess({ principal: ALICE, full: assumeOnly, grant: assumeOnly, scope: scope() })).toEqual([]);
    const grant = await grantFor('read-write');
    expect(findExcess({ principal: roleArn, full: { inline: [grant] }, grant: { inline: [grant] }, scope: scope() })).toEqual([]);
  });

  it('judges an expiring grant at the given moment', async () => {
    const grant = await grantFor('read-only');
    const old: LabelledPolicy = {
      label: 'inline old-grant',
      document: doc({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::*',
        Condition: { DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
      }),
    };
    const input = { principal: ALICE, full: { inline: [grant, old] }, grant: { inline: [grant] }, scope: scope() };
    expect(findExcess({ ...input, now: new Date('2025-06-01T00:00:00Z') }).length).toBeGreaterThan(0);
    expect(findExcess({ ...input, now: new Date('2026-06-01T00:00:00Z') })).toEqual([]);
  });

  it("probes where the principal's own policies point: one specific other bucket or folder", async () => {
    const grant = await grantFor('read-only', 'alice/');
    const extra: LabelledPolicy = {
      label: 'inline partner',
      document: doc({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::partner-data/reports/*', 'arn:aws:s3:::photos/bob/*'],
      }),
    };
    const excess = findExcess({ principal: ALICE, full: { inline: [grant, extra] }, grant: { inline: [grant] }, scope: scope(['alice/']) });
    expect(excess.map((e) => e.resource).sort()).toEqual([
      'arn:aws:s3:::partner-data/reports/s3-share-probe',
      'arn:aws:s3:::photos/bob/s3-share-probe',
    ]);
  });

  it('says so when there is nothing', () => {
    expect(describeExcess([])).toBe('nothing beyond the grant');
  });
});
