/**
 * Several --prefix folders in one policy (s3-credentials issue 56): what the rendered policy
 * allows, judged by an IAM policy simulator (@cloud-copilot/iam-simulate) with the expectations
 * written out by hand, and how the folders are normalized, folded and held to the size limits.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { POLICY_SIZE_LIMITS, policySize, type PolicyDocument } from '../../../src/policies/documents';
import { grantedPrefixes, listablePrefixes } from '../../../src/policies/prefix-grants';
import { foldPrefixConditions, normalizePrefixes } from '../../../src/policies/prefixes';
import { renderPolicy, type AccessMode } from '../../../src/policies/templates';
import { UsageError } from '../../../src/errors';

const ACCOUNT = '123456789012';
type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

async function decide(policy: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}): Promise<Decision> {
  const result = await runSimulation(
    {
      identityPolicies: [{ name: 's3-share', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action,
        principal: `arn:aws:iam::${ACCOUNT}:user/s3-share-alice`,
        resource: { accountId: ACCOUNT, resource },
        contextVariables: context,
      },
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation failed for ${action} ${resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

// Granted folders: alice/ and team/shared/. Every row is a request on a bucket the policy names;
// columns RO, WO, RW. Y = Allowed, . = ImplicitlyDenied. Siblings (alice-evil/, team/shared-x/),
// parents (team/, the bucket root) and other folders get nothing.
type Probe = { action: string; key?: string; listPrefix?: string | null };
const MATRIX: Array<[Probe, string]> = [
  //                                                          RO WO RW
  [{ action: 's3:GetObject', key: 'alice/x.txt' }, '           Y  .  Y'],
  [{ action: 's3:GetObject', key: 'team/shared/x.txt' }, '     Y  .  Y'],
  [{ action: 's3:GetObject', key: 'team/shared/deep/y' }, '    Y  .  Y'],
  [{ action: 's3:GetObject', key: 'alice-evil/x' }, '          .  .  .'],
  [{ action: 's3:GetObject', key: 'team/shared-x/x' }, '       .  .  .'],
  [{ action: 's3:GetObject', key: 'team/other/x' }, '          .  .  .'],
  [{ action: 's3:GetObject', key: 'team/x' }, '                .  .  .'],
  [{ action: 's3:GetObject', key: 'top.txt' }, '               .  .  .'],
  [{ action: 's3:PutObject', key: 'alice/x.txt' }, '           .  Y  Y'],
  [{ action: 's3:PutObject', key: 'team/shared/x.txt' }, '     .  Y  Y'],
  [{ action: 's3:PutObject', key: 'alice-evil/x' }, '          .  .  .'],
  [{ action: 's3:PutObject', key: 'team/shared-x/x' }, '       .  .  .'],
  [{ action: 's3:PutObject', key: 'team/x' }, '                .  .  .'],
  [{ action: 's3:DeleteObject', key: 'alice/x.txt' }, '        .  .  Y'],
  [{ action: 's3:DeleteObject', key: 'team/shared/x.txt' }, '  .  .  Y'],
  [{ action: 's3:DeleteObject', key: 'team/shared-x/x' }, '    .  .  .'],
  [{ action: 's3:ListBucket', listPrefix: 'alice/' }, '        Y  .  Y'],
  [{ action: 's3:ListBucket', listPrefix: 'team/shared/' }, '  Y  .  Y'],
  [{ action: 's3:ListBucket', listPrefix: 'team/shared/sub/' }, 'Y  .  Y'],
  [{ action: 's3:ListBucket', listPrefix: 'alice' }, '         .  .  .'],
  [{ action: 's3:ListBucket', listPrefix: 'alice-evil/' }, '   .  .  .'],
  [{ action: 's3:ListBucket', listPrefix: 'team/' }, '         .  .  .'],
  [{ action: 's3:ListBucket', listPrefix: 'team/shared' }, '   .  .  .'],
  [{ action: 's3:ListBucket', listPrefix: 'team/shared-x/' }, '.  .  .'],
  [{ action: 's3:ListBucket', listPrefix: '' }, '              .  .  .'],
  [{ action: 's3:ListBucket', listPrefix: null }, '            .  .  .'],
  [{ action: 's3:GetBucketLocation' }, '                             Y  .  Y'],
];
const MODES: AccessMode[] = ['read-only', 'write-only', 'read-write'];

async function probe(policy: PolicyDocument, bucket: string, p: Probe): Promise<Decision> {
  if (p.key !== undefined) return decide(policy, p.action, `arn:aws:s3:::${bucket}/${p.key}`);
  const context: Record<string, string> = p.listPrefix === undefined || p.listPrefix === null ? {} : { 's3:prefix': p.listPrefix };
  return decide(policy, p.action, `arn:aws:s3:::${bucket}`, context);
}

async function mismatches(policy: PolicyDocument, column: number, granted: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [p, row] of MATRIX) {
    const cells = row.trim().split(/\s+/);
    if (cells.length !== MODES.length) throw new Error(`bad matrix row: ${row}`);
    for (const bucket of [...granted, 'bucket-z']) {
      const want: Decision = granted.includes(bucket) && cells[column] === 'Y' ? 'Allowed' : 'ImplicitlyDenied';
      const got = await probe(policy, bucket, p);
      if (got !== want) found.push(`${bucket}: ${p.action} ${p.key ?? JSON.stringify(p.listPrefix ?? '')}: expected ${want}, got ${got}`);
    }
  }
  return found;
}

describe('two prefixes in one policy (IAM simulator)', () => {
  const cases = MODES.flatMap((mode, column) => [['bucket-a'], ['bucket-a', 'bucket-b']].map((b) => [mode, b.length, column, b] as const));
  it.each(cases)('%s, %d bucket(s): each folder reachable, siblings and parents not', async (mode, _n, column, buckets) => {
    const { document } = await renderPolicy({ buckets, mode, prefixes: ['alice', 'team/shared/'] });
    expect(await mismatches(document, column, [...buckets])).toEqual([]);
  });

  it('a custom template with $!PREFIX!$ is filled for each folder, with the same reach', async () => {
    const template = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::$!BUCKET_NAME!$' },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::$!BUCKET_NAME!$',
          Condition: { StringLike: { 's3:prefix': '$!PREFIX!$*' } },
        },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::$!BUCKET_NAME!$/$!PREFIX!$*' },
      ],
    });
    const { document } = await renderPolicy({ buckets: ['bucket-a'], template, prefixes: ['alice/', 'team/shared/'] });
    expect(await mismatches(document, 0, ['bucket-a'])).toEqual([]);
  });

  it('the harness catches a leak: folding the folders without their slash reaches the siblings', async () => {
    const { document } = await renderPolicy({ buckets: ['bucket-a'], mode: 'read-only', prefixes: ['alice/', 'team/shared/'] });
    const leaky = JSON.parse(JSON.stringify(document).replace(/alice\/\*/g, 'alice*')) as PolicyDocument;
    expect(await mismatches(leaky, 0, ['bucket-a'])).toEqual(
      expect.arrayContaining([
        'bucket-a: s3:GetObject alice-evil/x: expected ImplicitlyDenied, got Allowed',
        'bucket-a: s3:ListBucket "alice-evil/": expected ImplicitlyDenied, got Allowed',
      ]),
    );
  });
});

describe('the document for several prefixes', () => {
  it('is one ListBucket statement listing every folder, and one object statement over every folder of every bucket', async () => {
    const { document, notices } = await renderPolicy({ buckets: ['photos', 'videos'], mode: 'read-only', prefixes: ['a', 'b/'] });
    expect(notices).toEqual(['prefix a means the folder a/; added the trailing slash']);
    expect(document.Statement.map((s) => s.Sid)).toEqual(['FindBucketRegion', 'ListPrefix', 'ReadObjectsInPrefix']);
    expect(document.Statement[1]).toMatchObject({
      Resource: ['arn:aws:s3:::photos', 'arn:aws:s3:::videos'],
      Condition: { StringLike: { 's3:prefix': ['a/*', 'b/*'] } },
    });
    expect(document.Statement[2]!.Resource).toEqual([
      'arn:aws:s3:::photos/a/*',
      'arn:aws:s3:::photos/b/*',
      'arn:aws:s3:::videos/a/*',
      'arn:aws:s3:::videos/b/*',
    ]);
  });

  it('is the single-prefix document when one folder is given, or the same one twice', async () => {
    const one = await renderPolicy({ buckets: ['photos'], mode: 'read-write', prefix: 'a/' });
    const twice = await renderPolicy({ buckets: ['photos'], mode: 'read-write', prefixes: ['a/', 'a'] });
    expect(twice.document).toEqual(one.document);
  });

  it('drops a folder inside another given folder, saying so', () => {
    expect(normalizePrefixes(['team/', 'team/shared', 'alice/', 'alice/'])).toEqual({
      prefixes: ['team/', 'alice/'],
      notices: [
        'prefix team/shared means the folder team/shared/; added the trailing slash',
        'prefix team/shared/ is inside team/, which already covers it; granted team/ only',
      ],
    });
  });

  it('reads back as both folders, for delete-user --delete-objects and for explaining a refused listing', async () => {
    const { document } = await renderPolicy({ buckets: ['photos', 'videos'], mode: 'read-write', prefixes: ['alice/', 'team/shared/'] });
    expect(grantedPrefixes([document])).toEqual({
      targets: [
        { Bucket: 'photos', Prefix: 'alice/' },
        { Bucket: 'photos', Prefix: 'team/shared/' },
        { Bucket: 'videos', Prefix: 'alice/' },
        { Bucket: 'videos', Prefix: 'team/shared/' },
      ],
      refusals: [],
    });
    expect(listablePrefixes([document], 'videos')).toEqual(['alice/', 'team/shared/']);
  });

  it('refuses a bad folder among several, naming it', async () => {
    await expect(renderPolicy({ buckets: ['photos'], prefixes: ['a/', 'b*'] })).rejects.toThrow(/^prefix 'b\*' contains '\*'/);
  });

  it('folds only s3:prefix lists under StringLike / StringEquals, never a negated operator', () => {
    const doc = (op: string, v: string): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { [op]: { 's3:prefix': v } } }],
    });
    expect(foldPrefixConditions([doc('StringLike', 'a/*'), doc('StringLike', 'b/*')]).flatMap((d) => d.Statement)).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': ['a/*', 'b/*'] } } },
    ]);
    expect(foldPrefixConditions([doc('StringNotLike', 'a/*'), doc('StringNotLike', 'b/*')]).flatMap((d) => d.Statement)).toHaveLength(2);
    // Statements that differ in more than the prefix stay apart.
    const other = doc('StringLike', 'b/*');
    other.Statement[0]!.Resource = 'arn:aws:s3:::c';
    expect(foldPrefixConditions([doc('StringLike', 'a/*'), other]).flatMap((d) => d.Statement)).toHaveLength(2);
  });
});

describe('several prefixes and the size limits', () => {
  const folders = (n: number) => Array.from({ length: n }, (_, i) => `folder-${i + 1}/`);
  const usage = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if (err instanceof UsageError) return err.message;
      throw err;
    }
    return undefined;
  };

  it('each added folder costs a few dozen characters, not a copy of the template', async () => {
    const size = async (n: number) =>
      policySize((await renderPolicy({ buckets: ['bucket-name'], mode: 'read-write', prefixes: folders(n) })).document);
    const one = await size(1);
    const perFolder = (await size(11)) - (await size(10));
    // Measured: 720 characters for one folder, 53 more per folder like 'folder-10/'.
    expect(one).toBeGreaterThan(600);
    expect(perFolder).toBeLessThan(60);
  });

  it('over a user inline budget, the error says how many of the folders fit, and they do fit', async () => {
    const message = await usage(
      renderPolicy({ buckets: ['bucket-name'], mode: 'read-write', prefixes: folders(40) }, { target: 'user-inline' }),
    );
    expect(message).toMatch(
      /^the policy for 40 prefixes is [\d,]+ characters \(not counting whitespace\), over the 2,048-character limit of a user's inline policies: only (\d+) of the 40 prefixes fit \(the first \1, folder-1\/ to folder-\1\/\); give the others to a second set of credentials$/,
    );
    const fit = Number(/only (\d+) of/.exec(message!)![1]);
    const size = async (n: number) =>
      policySize((await renderPolicy({ buckets: ['bucket-name'], mode: 'read-write', prefixes: folders(n) })).document);
    expect(await size(fit)).toBeLessThanOrEqual(POLICY_SIZE_LIMITS['user-inline']);
    expect(await size(fit + 1)).toBeGreaterThan(POLICY_SIZE_LIMITS['user-inline']);
  });

  it('counts --statement texts in what fits', async () => {
    const statement = JSON.stringify({
      Effect: 'Allow',
      Action: 's3:GetObjectTagging',
      Resource: `arn:aws:s3:::bucket-name/${'x'.repeat(300)}`,
    });
    const plain = await usage(renderPolicy({ buckets: ['bucket-name'], mode: 'read-write', prefixes: folders(40) }, { target: 'session' }));
    const withStatement = await usage(
      renderPolicy({ buckets: ['bucket-name'], mode: 'read-write', prefixes: folders(40), statements: [statement] }, { target: 'session' }),
    );
    const count = (m?: string) => Number(/only (\d+) of/.exec(m ?? '')?.[1]);
    expect(count(withStatement)).toBeLessThan(count(plain));
  });

  it('within the limit, or with no target, renders without complaint', async () => {
    await expect(renderPolicy({ buckets: ['bucket-name'], prefixes: folders(10) }, { target: 'user-inline' })).resolves.toBeDefined();
    await expect(renderPolicy({ buckets: ['bucket-name'], prefixes: folders(40) })).resolves.toBeDefined();
  });
});
