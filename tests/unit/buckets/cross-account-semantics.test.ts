/**
 * What an account grant in a bucket policy lets the other account do, evaluated by an IAM policy
 * simulator (@cloud-copilot/iam-simulate) as a cross-account request: the caller is a user in
 * 111122223333 whose own identity policy allows s3:* (cross-account access needs both sides), the
 * bucket belongs to 999900001111, and the merged bucket policy is the resource policy. moto
 * ignores bucket policies, so this is the only check of what the statements grant.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { mergeGrant, parseAccountPrincipal, parseBucketPolicy, type GrantSpec } from '../../../src/policies/bucket-grants';
import type { AccessMode } from '../../../src/policies/templates';

const OWNER = '999900001111';
const BUCKET = 'photos';
const CAROL = 'arn:aws:iam::111122223333:user/carol';
const MALLORY = 'arn:aws:iam::555566667777:user/mallory';
const ALLOW_ALL_S3 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

// What the bucket owner had before: its own backup role may read. It must keep working and give
// the other accounts nothing.
const CUSTOMER_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Backup',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OWNER}:role/backup` },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::photos/*',
    },
  ],
});

type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

async function decide(
  bucketPolicy: unknown,
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string> = {},
  identity: unknown = ALLOW_ALL_S3,
): Promise<Decision> {
  const result = await runSimulation(
    {
      identityPolicies: identity ? [{ name: 'caller', policy: identity }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: bucketPolicy,
      request: { action, principal, resource: { accountId: OWNER, resource }, contextVariables: context },
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation failed for ${action} ${resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

interface Probe {
  action: string;
  key?: string;
  listPrefix?: string | null;
}

// Columns: read-only, read-only alice/, write-only, write-only alice/, read-write, read-write alice/.
const MATRIX: Array<[Probe, string]> = [
  [{ action: 's3:GetObject', key: 'alice/x.txt' }, '        Y Y . . Y Y'],
  [{ action: 's3:GetObject', key: 'alice/sub/y' }, '        Y Y . . Y Y'],
  [{ action: 's3:GetObject', key: 'alice-evil/x' }, '       Y . . . Y .'],
  [{ action: 's3:GetObject', key: 'alice' }, '              Y . . . Y .'],
  [{ action: 's3:GetObject', key: 'bob/x' }, '              Y . . . Y .'],
  [{ action: 's3:GetObjectVersion', key: 'alice/x' }, '     Y Y . . Y Y'],
  [{ action: 's3:PutObject', key: 'alice/x.txt' }, '        . . Y Y Y Y'],
  [{ action: 's3:PutObject', key: 'alice-evil/x' }, '       . . Y . Y .'],
  [{ action: 's3:PutObject', key: 'bob/x' }, '              . . Y . Y .'],
  [{ action: 's3:AbortMultipartUpload', key: 'alice/x' }, ' . . Y Y Y Y'],
  [{ action: 's3:DeleteObject', key: 'alice/x.txt' }, '     . . . . Y Y'],
  [{ action: 's3:DeleteObject', key: 'alice-evil/x' }, '    . . . . Y .'],
  [{ action: 's3:ListBucket', listPrefix: 'alice/' }, '     Y Y . . Y Y'],
  [{ action: 's3:ListBucket', listPrefix: 'alice/sub/' }, ' Y Y . . Y Y'],
  [{ action: 's3:ListBucket', listPrefix: 'alice' }, '      Y . . . Y .'],
  [{ action: 's3:ListBucket', listPrefix: 'alice-evil/' }, 'Y . . . Y .'],
  [{ action: 's3:ListBucket', listPrefix: '' }, '           Y . . . Y .'],
  [{ action: 's3:ListBucket', listPrefix: null }, '         Y . . . Y .'],
  [{ action: 's3:GetBucketLocation' }, '                          Y Y . . Y Y'],
  [{ action: 's3:DeleteObjectVersion', key: 'alice/x' }, '  . . . . . .'],
  [{ action: 's3:PutObjectAcl', key: 'alice/x' }, '         . . . . . .'],
  [{ action: 's3:ListBucketVersions', listPrefix: 'alice/' }, '. . . . . .'],
  [{ action: 's3:GetBucketPolicy' }, '                        . . . . . .'],
  [{ action: 's3:PutBucketPolicy' }, '                        . . . . . .'],
  [{ action: 's3:DeleteBucket' }, '                           . . . . . .'],
];

const COLUMNS: Array<[AccessMode, string | undefined]> = [
  ['read-only', undefined],
  ['read-only', 'alice/'],
  ['write-only', undefined],
  ['write-only', 'alice/'],
  ['read-write', undefined],
  ['read-write', 'alice/'],
];

function probe(policy: unknown, principal: string, p: Probe, identity?: unknown): Promise<Decision> {
  if (p.key !== undefined) return decide(policy, principal, p.action, `arn:aws:s3:::${BUCKET}/${p.key}`, {}, identity);
  const ctx: Record<string, string> = p.listPrefix === undefined || p.listPrefix === null ? {} : { 's3:prefix': p.listPrefix };
  return decide(policy, principal, p.action, `arn:aws:s3:::${BUCKET}`, ctx, identity);
}

const label = (p: Probe) => `${p.action} ${p.key ?? (p.listPrefix === undefined ? '' : `s3:prefix=${JSON.stringify(p.listPrefix)}`)}`;

function merged(spec: Omit<GrantSpec, 'bucket'>): unknown {
  return mergeGrant(parseBucketPolicy(CUSTOMER_POLICY, BUCKET), { bucket: BUCKET, ...spec }).policy;
}

describe('an account grant merged into a bucket policy (IAM simulator, cross-account)', () => {
  it.each(COLUMNS.map(([mode, prefix], column) => [mode, prefix ?? '(none)', { mode, prefix, column }] as const))(
    '%s, prefix %s: the account gets exactly that, another account nothing',
    async (_m, _p, { mode, prefix, column }) => {
      const policy = merged({ principal: parseAccountPrincipal('111122223333'), mode, prefix });
      const wrong: string[] = [];
      for (const [p, row] of MATRIX) {
        const want: Decision = row.trim().split(/\s+/)[column] === 'Y' ? 'Allowed' : 'ImplicitlyDenied';
        const got = await probe(policy, CAROL, p);
        if (got !== want) wrong.push(`carol: ${label(p)}: expected ${want}, got ${got}`);
        const other = await probe(policy, MALLORY, p);
        if (other !== 'ImplicitlyDenied') wrong.push(`mallory: ${label(p)}: expected ImplicitlyDenied, got ${other}`);
      }
      expect(wrong).toEqual([]);
    },
  );

  it('the other account still needs its own identity policy', async () => {
    const policy = merged({ principal: parseAccountPrincipal('111122223333'), mode: 'read-write' });
    expect(await probe(policy, CAROL, { action: 's3:GetObject', key: 'x' }, null)).toBe('ImplicitlyDenied');
  });

  it('the statements already in the policy keep working', async () => {
    const policy = merged({ principal: parseAccountPrincipal('111122223333'), mode: 'read-only' });
    expect(await decide(policy, `arn:aws:iam::${OWNER}:role/backup`, 's3:GetObject', 'arn:aws:s3:::photos/a', {}, null)).toBe('Allowed');
  });

  it('a grant to a role covers that role only, not the rest of its account', async () => {
    const role = 'arn:aws:iam::111122223333:role/uploader';
    const policy = merged({ principal: parseAccountPrincipal(role), mode: 'read-only' });
    expect(await probe(policy, role, { action: 's3:GetObject', key: 'x' })).toBe('Allowed');
    expect(await probe(policy, CAROL, { action: 's3:GetObject', key: 'x' })).toBe('ImplicitlyDenied');
  });

  it('with the ownership requirement, an upload must carry bucket-owner-full-control', async () => {
    const policy = merged({
      principal: parseAccountPrincipal('111122223333'),
      mode: 'write-only',
      prefix: 'alice/',
      requireBucketOwnerFullControl: true,
    });
    const put = (ctx: Record<string, string>) => decide(policy, CAROL, 's3:PutObject', 'arn:aws:s3:::photos/alice/x', ctx);
    expect(await put({})).toBe('ExplicitlyDenied');
    expect(await put({ 's3:x-amz-acl': 'public-read' })).toBe('ExplicitlyDenied');
    expect(await put({ 's3:x-amz-acl': 'bucket-owner-full-control' })).toBe('Allowed');
    expect(await decide(policy, CAROL, 's3:AbortMultipartUpload', 'arn:aws:s3:::photos/alice/x')).toBe('Allowed');
  });

  it('revoking brings back the original: the account gets nothing', async () => {
    const { revokeGrants } = await import('../../../src/policies/bucket-grants');
    const granted = merged({ principal: parseAccountPrincipal('111122223333'), mode: 'read-write' });
    const revoked = revokeGrants(parseBucketPolicy(JSON.stringify(granted), BUCKET), { account: '111122223333' }).policy;
    expect(JSON.stringify(revoked)).toBe(CUSTOMER_POLICY);
    expect(await probe(revoked, CAROL, { action: 's3:GetObject', key: 'x' })).toBe('ImplicitlyDenied');
  });
});
