// Merging account grants into a bucket policy and taking them out again: the statements s3-share
// did not add are carried over exactly, and every s3-share statement is found again by its Sid.
import { OperationError, UsageError } from '../../../src/errors';
import {
  grantSidStem,
  grantStatements,
  mergeGrant,
  parseAccountPrincipal,
  parseBucketPolicy,
  parseGrantSid,
  revokeGrants,
  type GrantSpec,
} from '../../../src/policies/bucket-grants';
import { checkPolicySize, validatePolicyShape } from '../../../src/policies/documents';

const BUCKET = 'photos';
const A = parseAccountPrincipal('111122223333');
const B = parseAccountPrincipal('444455556666');

// A policy someone wrote by hand, with odd spacing, an Id, a Deny and a condition: it must survive.
const ORIGINAL = `{
  "Version": "2012-10-17",
  "Id": "CustomerPolicy",
  "Statement": [
    {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:role/backup"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::photos/*"}
  ]
}`;
const originalStatements = () => (JSON.parse(ORIGINAL) as { Statement: unknown[] }).Statement.map((s) => JSON.stringify(s));

const grant = (over: Partial<GrantSpec> = {}): GrantSpec => ({ bucket: BUCKET, principal: A, mode: 'read-only', ...over });
const sids = (policy: unknown) => (policy as { Statement: Array<{ Sid?: string }> }).Statement.map((s) => s.Sid);

describe('parseAccountPrincipal', () => {
  it.each([
    ['111122223333', 'arn:aws:iam::111122223333:root', true],
    ['arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:root', true],
    ['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:user/alice', false],
    ['arn:aws:iam::111122223333:role/team/uploader', 'arn:aws:iam::111122223333:role/team/uploader', false],
    ['012345678901', 'arn:aws:iam::012345678901:root', true],
  ])('%s', (value, arn, isRoot) => {
    expect(parseAccountPrincipal(value)).toEqual({ account: value.match(/\d{12}/)![0], arn, isRoot });
  });

  it.each([
    ['11112222333', /has 11 digits: an AWS account ID has exactly 12/],
    ['1111222233334', /has 13 digits/],
    ['arn:aws:iam::111122223333:group/devs', /is not an IAM principal ARN/],
    ['arn:aws:iam::11112222333:root', /is not an IAM principal ARN/],
    ['arn:aws:sts::111122223333:assumed-role/r/s', /is not an IAM principal ARN/],
    ['acme', /neither a 12-digit account ID nor/],
    ['', /neither a 12-digit account ID nor/],
  ])('refuses %j', (value, message) => {
    expect(() => parseAccountPrincipal(value)).toThrow(UsageError);
    expect(() => parseAccountPrincipal(value)).toThrow(message);
  });
});

describe('Sids', () => {
  it('are letters and digits, stable, and say account, mode, principal and prefix', () => {
    expect(grantSidStem('read-only', A, undefined)).toBe('S3ShareRead111122223333');
    expect(grantSidStem('read-write', A, undefined)).toBe('S3ShareReadWrite111122223333');
    expect(grantSidStem('write-only', A, 'alice/')).toMatch(/^S3ShareWrite111122223333p[0-9a-f]{8}$/);
    expect(grantSidStem('write-only', A, 'alice/')).toBe(grantSidStem('write-only', A, 'alice/'));
    expect(grantSidStem('write-only', A, 'alice/')).not.toBe(grantSidStem('write-only', A, 'bob/'));
    const role = parseAccountPrincipal('arn:aws:iam::111122223333:role/uploader');
    expect(grantSidStem('read-only', role, 'alice/')).toMatch(/^S3ShareRead111122223333u[0-9a-f]{8}p[0-9a-f]{8}$/);
    for (const mode of ['read-only', 'write-only', 'read-write'] as const) {
      for (const prefix of [undefined, 'alice/']) {
        for (const s of grantStatements(grant({ mode, prefix, principal: role, requireBucketOwnerFullControl: true }))) {
          expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
          expect(parseGrantSid(s.Sid)).toMatchObject({ mode, account: '111122223333' });
        }
      }
    }
    expect(parseGrantSid('DenyInsecure')).toBeUndefined();
    expect(parseGrantSid('S3ShareRead11112222333ReadObjects')).toBeUndefined();
  });
});

describe('grantStatements', () => {
  it('mirror the user-policy templates, with the Principal, and are a valid bucket policy', () => {
    const doc = { Version: '2012-10-17', Statement: grantStatements(grant({ prefix: 'alice/' })) };
    expect(() => validatePolicyShape(doc, 'resource', 'test')).not.toThrow();
    expect(doc.Statement).toEqual([
      {
        Sid: 'S3ShareRead111122223333' + grantSidStem('read-only', A, 'alice/').slice(23) + 'FindBucketRegion',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['s3:GetBucketLocation'],
        Resource: 'arn:aws:s3:::photos',
      },
      expect.objectContaining({
        Action: ['s3:ListBucket'],
        Resource: 'arn:aws:s3:::photos',
        Condition: { StringLike: { 's3:prefix': ['alice/*'] } },
      }),
      expect.objectContaining({
        Action: expect.arrayContaining(['s3:GetObject', 's3:GetObjectVersion']),
        Resource: 'arn:aws:s3:::photos/alice/*',
      }),
    ]);
  });

  it('add the bucket-owner-full-control Deny only to grants that write', () => {
    expect(grantStatements(grant({ requireBucketOwnerFullControl: true })).some((s) => s.Effect === 'Deny')).toBe(false);
    const wo = grantStatements(grant({ mode: 'write-only', prefix: 'in/', requireBucketOwnerFullControl: true }));
    expect(wo.at(-1)).toMatchObject({
      Effect: 'Deny',
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::photos/in/*',
      Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    });
    expect(grantStatements(grant({ mode: 'write-only' })).some((s) => s.Effect === 'Deny')).toBe(false);
  });
});

describe('mergeGrant', () => {
  it('starts a new policy when there is none', () => {
    const change = mergeGrant(null, grant());
    expect(change).toMatchObject({ changed: true, kept: 0, replaced: [], removed: [] });
    expect(change.added).toEqual(['S3ShareRead111122223333ListBucketAndFindRegion', 'S3ShareRead111122223333ReadObjects']);
    expect(change.policy).toEqual({ Version: '2012-10-17', Statement: grantStatements(grant()) });
  });

  it('keeps every other statement exactly, and the Version and Id', () => {
    const change = mergeGrant(parseBucketPolicy(ORIGINAL, BUCKET), grant());
    const policy = change.policy as unknown as { Version: string; Id: string; Statement: unknown[] };
    expect(Object.keys(policy)).toEqual(['Version', 'Id', 'Statement']);
    expect(policy.Id).toBe('CustomerPolicy');
    expect(policy.Statement.slice(0, 2).map((s) => JSON.stringify(s))).toEqual(originalStatements());
    expect(change.kept).toBe(2);
  });

  it('a second identical grant changes nothing', () => {
    const first = mergeGrant(parseBucketPolicy(ORIGINAL, BUCKET), grant({ prefix: 'alice/' }));
    const again = mergeGrant(parseBucketPolicy(JSON.stringify(first.policy), BUCKET), grant({ prefix: 'alice/' }));
    expect(again).toMatchObject({ changed: false, added: [], replaced: [], removed: [] });
    expect(again.policy).toEqual(first.policy);
  });

  it('a grant of another mode replaces the earlier one in place', () => {
    const withExtra = JSON.parse(ORIGINAL);
    const first = mergeGrant(parseBucketPolicy(ORIGINAL, BUCKET), grant());
    // someone appends a statement after ours
    const stored = { ...first.policy!, Statement: [...first.policy!.Statement, withExtra.Statement[1]] };
    const change = mergeGrant(parseBucketPolicy(JSON.stringify(stored), BUCKET), grant({ mode: 'read-write' }));
    expect(change.removed).toEqual(['S3ShareRead111122223333ListBucketAndFindRegion', 'S3ShareRead111122223333ReadObjects']);
    expect(change.added).toEqual(['S3ShareReadWrite111122223333ListBucketAndFindRegion', 'S3ShareReadWrite111122223333ReadWriteObjects']);
    expect(sids(change.policy)).toEqual(['DenyInsecure', undefined, ...change.added, undefined]);
  });

  it('an ownership requirement appearing later is a replacement of the same grant', () => {
    const first = mergeGrant(null, grant({ mode: 'write-only' }));
    const change = mergeGrant(
      parseBucketPolicy(JSON.stringify(first.policy), BUCKET),
      grant({ mode: 'write-only', requireBucketOwnerFullControl: true }),
    );
    expect(change).toMatchObject({ changed: true, added: ['S3ShareWrite111122223333RequireBucketOwnerFullControl'], removed: [] });
  });

  it('keeps grants to other accounts, other prefixes and other principals of the same account', () => {
    let stored = JSON.stringify(mergeGrant(null, grant({ principal: B })).policy);
    stored = JSON.stringify(mergeGrant(parseBucketPolicy(stored, BUCKET), grant({ prefix: 'alice/' })).policy);
    const role = parseAccountPrincipal('arn:aws:iam::111122223333:role/r');
    stored = JSON.stringify(mergeGrant(parseBucketPolicy(stored, BUCKET), grant({ principal: role })).policy);
    const change = mergeGrant(parseBucketPolicy(stored, BUCKET), grant({ mode: 'write-only' }));
    expect(change.removed).toEqual([]);
    expect(change.kept).toBe(2 + 3 + 2);
  });

  it('a merged policy over 20,480 characters is refused by checkPolicySize', () => {
    const big = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 60 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::photos/${'x'.repeat(300)}${i}/*`,
      })),
    };
    const change = mergeGrant(parseBucketPolicy(JSON.stringify(big), BUCKET), grant());
    expect(() => checkPolicySize(change.policy!, 'bucket')).toThrow(/over the 20,480-character limit of a bucket policy/);
  });
});

describe('parseBucketPolicy', () => {
  it.each([
    ['{"Version": "2012-10-17", "Statement": [', /is not valid JSON: .*line 1/],
    ['[1]', /is not a JSON object/],
    ['{"Version": "2012-10-17"}', /has no Statement list/],
    ['{"Version": "2012-10-17", "Statement": [1]}', /not a JSON object/],
  ])('refuses %j: never overwrite what cannot be read', (text, message) => {
    expect(() => parseBucketPolicy(text, BUCKET)).toThrow(OperationError);
    expect(() => parseBucketPolicy(text, BUCKET)).toThrow(message);
    expect(() => parseBucketPolicy(text, BUCKET)).toThrow(/s3-share will not overwrite a policy it cannot read/);
  });

  it('accepts a single Statement object', () => {
    const one = JSON.stringify({ Version: '2012-10-17', Statement: JSON.parse(ORIGINAL).Statement[0] });
    expect(mergeGrant(parseBucketPolicy(one, BUCKET), grant()).kept).toBe(1);
  });
});

describe('revokeGrants', () => {
  function policyWith(...specs: GrantSpec[]): string {
    let text = ORIGINAL;
    for (const s of specs) text = JSON.stringify(mergeGrant(parseBucketPolicy(text, BUCKET), s).policy);
    return text;
  }

  it('removing the only grant gives back the original statements exactly', () => {
    const change = revokeGrants(parseBucketPolicy(policyWith(grant({ mode: 'write-only', requireBucketOwnerFullControl: true })), BUCKET), {
      account: A.account,
    });
    expect(change.removed).toHaveLength(2);
    expect(JSON.stringify(change.policy)).toBe(JSON.stringify(JSON.parse(ORIGINAL)));
  });

  it('removes one account among several', () => {
    const text = policyWith(grant(), grant({ principal: B, mode: 'read-write' }));
    const change = revokeGrants(parseBucketPolicy(text, BUCKET), { account: B.account });
    expect(change.removed.every((sid) => sid.includes('444455556666'))).toBe(true);
    expect(sids(change.policy)).toEqual([
      'DenyInsecure',
      undefined,
      'S3ShareRead111122223333ListBucketAndFindRegion',
      'S3ShareRead111122223333ReadObjects',
    ]);
  });

  it('without a prefix removes all of the account; with one only that folder; with an ARN only that principal', () => {
    const role = parseAccountPrincipal('arn:aws:iam::111122223333:role/r');
    const text = policyWith(grant(), grant({ prefix: 'alice/' }), grant({ principal: role, prefix: 'alice/' }));
    const parsed = () => parseBucketPolicy(text, BUCKET);
    expect(revokeGrants(parsed(), { account: A.account }).removed).toHaveLength(2 + 3 + 3);
    expect(revokeGrants(parsed(), { account: A.account, prefix: 'alice/' }).removed).toHaveLength(3 + 3);
    expect(revokeGrants(parsed(), { account: A.account, principal: role }).removed).toHaveLength(3);
    expect(revokeGrants(parsed(), { account: A.account, principal: A }).removed).toHaveLength(2 + 3);
  });

  it('gives a null policy (delete it) when nothing else is left', () => {
    const text = JSON.stringify(mergeGrant(null, grant()).policy);
    expect(revokeGrants(parseBucketPolicy(text, BUCKET), { account: A.account })).toMatchObject({ policy: null, changed: true, kept: 0 });
  });

  it('says nothing changed when the account has no s3-share statements', () => {
    expect(revokeGrants(parseBucketPolicy(ORIGINAL, BUCKET), { account: A.account })).toMatchObject({
      changed: false,
      removed: [],
      kept: 2,
    });
  });
});
