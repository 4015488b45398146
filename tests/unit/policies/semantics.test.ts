/**
 * What the rendered policies actually allow, evaluated by an IAM policy simulator
 * (@cloud-copilot/iam-simulate) rather than by reading their JSON. The expectations are written
 * out by hand below, independently of the templates.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../../src/policies/documents';
import { publicBucketPolicy, renderPolicy, type AccessMode } from '../../../src/policies/templates';

const ACCOUNT = '123456789012';
const FIRST = 'bucket-a';
const SECOND = 'bucket-b';
const OTHER = 'bucket-z';

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

/** A request against some bucket: an object action on a key, a ListBucket with an s3:prefix, or a bucket action. */
interface Probe {
  action: string;
  key?: string;
  /** s3:prefix of a ListBucket request; null when the request has no prefix parameter. */
  listPrefix?: string | null;
}

// What each policy allows on a bucket it covers. Columns: read-only, read-only with prefix alice/,
// write-only, write-only with prefix, read-write, read-write with prefix. Y = Allowed,
// . = ImplicitlyDenied. A bucket the policy does not name gets nothing, whatever the row says.
const MATRIX: Array<[Probe, string]> = [
  //                                                         RO RO/p WO WO/p RW RW/p
  [{ action: 's3:GetObject', key: 'alice/x.txt' }, '         Y  Y    .  .    Y  Y'],
  [{ action: 's3:GetObject', key: 'alice/sub/y' }, '         Y  Y    .  .    Y  Y'],
  [{ action: 's3:GetObject', key: 'bob/x' }, '               Y  .    .  .    Y  .'],
  [{ action: 's3:GetObject', key: 'alice-evil/x' }, '        Y  .    .  .    Y  .'],
  [{ action: 's3:GetObject', key: 'alice' }, '               Y  .    .  .    Y  .'],
  [{ action: 's3:GetObject', key: 'top.txt' }, '             Y  .    .  .    Y  .'],
  [{ action: 's3:GetObjectVersion', key: 'alice/x.txt' }, '  Y  Y    .  .    Y  Y'],
  [{ action: 's3:GetObjectTagging', key: 'alice/x.txt' }, '  Y  Y    .  .    Y  Y'],
  [{ action: 's3:GetObjectAttributes', key: 'bob/x' }, '     Y  .    .  .    Y  .'],
  [{ action: 's3:PutObject', key: 'alice/x.txt' }, '         .  .    Y  Y    Y  Y'],
  [{ action: 's3:PutObject', key: 'alice/sub/y' }, '         .  .    Y  Y    Y  Y'],
  [{ action: 's3:PutObject', key: 'bob/x' }, '               .  .    Y  .    Y  .'],
  [{ action: 's3:PutObject', key: 'alice-evil/x' }, '        .  .    Y  .    Y  .'],
  [{ action: 's3:PutObject', key: 'alice' }, '               .  .    Y  .    Y  .'],
  [{ action: 's3:AbortMultipartUpload', key: 'alice/x' }, '  .  .    Y  Y    Y  Y'],
  [{ action: 's3:AbortMultipartUpload', key: 'bob/x' }, '    .  .    Y  .    Y  .'],
  [{ action: 's3:DeleteObject', key: 'alice/x.txt' }, '      .  .    .  .    Y  Y'],
  [{ action: 's3:DeleteObject', key: 'alice/sub/y' }, '      .  .    .  .    Y  Y'],
  [{ action: 's3:DeleteObject', key: 'bob/x' }, '            .  .    .  .    Y  .'],
  [{ action: 's3:DeleteObject', key: 'alice-evil/x' }, '     .  .    .  .    Y  .'],
  [{ action: 's3:DeleteObject', key: 'alice' }, '            .  .    .  .    Y  .'],
  [{ action: 's3:ListBucket', listPrefix: 'alice/' }, '      Y  Y    .  .    Y  Y'],
  [{ action: 's3:ListBucket', listPrefix: 'alice/sub/' }, '  Y  Y    .  .    Y  Y'],
  [{ action: 's3:ListBucket', listPrefix: 'bob/' }, '        Y  .    .  .    Y  .'],
  // Listing 'alice' (no slash) would show the names under 'alice-evil/': not allowed with a prefix.
  [{ action: 's3:ListBucket', listPrefix: 'alice' }, '       Y  .    .  .    Y  .'],
  [{ action: 's3:ListBucket', listPrefix: 'alice-evil/' }, ' Y  .    .  .    Y  .'],
  [{ action: 's3:ListBucket', listPrefix: '' }, '            Y  .    .  .    Y  .'],
  [{ action: 's3:ListBucket', listPrefix: null }, '          Y  .    .  .    Y  .'],
  [{ action: 's3:GetBucketLocation' }, '                           Y  Y    .  .    Y  Y'],
  // Never granted by any mode.
  [{ action: 's3:DeleteObjectVersion', key: 'alice/x.txt' }, '.  .    .  .    .  .'],
  [{ action: 's3:PutObjectAcl', key: 'alice/x.txt' }, '       .  .    .  .    .  .'],
  [{ action: 's3:GetObjectTorrent', key: 'alice/x.txt' }, '   .  .    .  .    .  .'],
  [{ action: 's3:ListMultipartUploadParts', key: 'alice/x' }, '.  .    .  .    .  .'],
  [{ action: 's3:ListBucketVersions', listPrefix: 'alice/' }, '.  .    .  .    .  .'],
  [{ action: 's3:ListBucketMultipartUploads' }, '              .  .    .  .    .  .'],
  [{ action: 's3:GetBucketPolicy' }, '                         .  .    .  .    .  .'],
  [{ action: 's3:PutBucketPolicy' }, '                         .  .    .  .    .  .'],
  [{ action: 's3:DeleteBucket' }, '                            .  .    .  .    .  .'],
];

const COLUMNS: Array<[AccessMode, string | undefined]> = [
  ['read-only', undefined],
  ['read-only', 'alice/'],
  ['write-only', undefined],
  ['write-only', 'alice/'],
  ['read-write', undefined],
  ['read-write', 'alice/'],
];

function expected(row: string, column: number): Decision {
  const cells = row.trim().split(/\s+/);
  if (cells.length !== COLUMNS.length || cells.some((c) => c !== 'Y' && c !== '.')) throw new Error(`bad matrix row: ${row}`);
  return cells[column] === 'Y' ? 'Allowed' : 'ImplicitlyDenied';
}

async function probe(policy: PolicyDocument, bucket: string, p: Probe): Promise<Decision> {
  if (p.key !== undefined) return decide(policy, p.action, `arn:aws:s3:::${bucket}/${p.key}`);
  const context: Record<string, string> = p.listPrefix === undefined || p.listPrefix === null ? {} : { 's3:prefix': p.listPrefix };
  return decide(policy, p.action, `arn:aws:s3:::${bucket}`, context);
}

function describeProbe(p: Probe): string {
  if (p.key !== undefined) return `${p.action} ${p.key}`;
  if (p.listPrefix !== undefined) return `${p.action} s3:prefix=${p.listPrefix === null ? '(absent)' : JSON.stringify(p.listPrefix)}`;
  return p.action;
}

/** Every mismatch between the matrix and the simulator for one policy, as readable lines. */
async function mismatches(policy: PolicyDocument, column: number, granted: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [p, row] of MATRIX) {
    for (const bucket of [FIRST, SECOND, OTHER]) {
      const want = granted.includes(bucket) ? expected(row, column) : 'ImplicitlyDenied';
      const got = await probe(policy, bucket, p);
      if (got !== want) found.push(`${bucket}: ${describeProbe(p)}: expected ${want}, got ${got}`);
    }
  }
  return found;
}

describe('what the built-in policies allow (IAM simulator)', () => {
  const cases = COLUMNS.flatMap(([mode, prefix], column) =>
    [[FIRST], [FIRST, SECOND]].map((buckets) => [mode, prefix ?? '(none)', buckets.length, { mode, prefix, column, buckets }] as const),
  );

  it.each(cases)('%s, prefix %s, %d bucket(s)', async (_m, _p, _n, { mode, prefix, column, buckets }) => {
    const { document } = await renderPolicy({ buckets, mode, prefix });
    expect(await mismatches(document, column, buckets)).toEqual([]);
  });

  it("prefix 'alice' without the slash grants exactly what 'alice/' does", async () => {
    const { document } = await renderPolicy({ buckets: [FIRST, SECOND], mode: 'read-write', prefix: 'alice' });
    expect(await mismatches(document, 5, [FIRST, SECOND])).toEqual([]);
  });

  it('the harness catches a leak: a prefix policy without its s3:prefix condition fails the matrix', async () => {
    const { document } = await renderPolicy({ buckets: [FIRST], mode: 'read-only', prefix: 'alice/' });
    const leaky: PolicyDocument = { ...document, Statement: document.Statement.map(({ Condition: _dropped, ...s }) => s) };
    const found = await mismatches(leaky, 1, [FIRST]);
    expect(found).toContain('bucket-a: s3:ListBucket s3:prefix="alice-evil/": expected ImplicitlyDenied, got Allowed');
    expect(found).toContain('bucket-a: s3:ListBucket s3:prefix=(absent): expected ImplicitlyDenied, got Allowed');
  });

  it('the harness catches a prefix without its trailing slash reaching the sibling folder', async () => {
    const { document } = await renderPolicy({ buckets: [FIRST], mode: 'read-write', prefix: 'alice/' });
    const noSlash = JSON.parse(JSON.stringify(document).replace(/alice\//g, 'alice')) as PolicyDocument;
    const found = await mismatches(noSlash, 5, [FIRST]);
    expect(found).toEqual(
      expect.arrayContaining([
        'bucket-a: s3:GetObject alice-evil/x: expected ImplicitlyDenied, got Allowed',
        'bucket-a: s3:DeleteObject alice-evil/x: expected ImplicitlyDenied, got Allowed',
        'bucket-a: s3:ListBucket s3:prefix="alice-evil/": expected ImplicitlyDenied, got Allowed',
      ]),
    );
  });
});

describe('custom templates and statements (IAM simulator)', () => {
  it('a custom template filled for two buckets grants on both and nothing else', async () => {
    const template = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Reports', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::$!BUCKET_NAME!$/reports/*' }],
    });
    const { document } = await renderPolicy({ buckets: [FIRST, SECOND], template });
    expect(await decide(document, 's3:GetObject', `arn:aws:s3:::${FIRST}/reports/q1.csv`)).toBe('Allowed');
    expect(await decide(document, 's3:GetObject', `arn:aws:s3:::${SECOND}/reports/q1.csv`)).toBe('Allowed');
    expect(await decide(document, 's3:GetObject', `arn:aws:s3:::${OTHER}/reports/q1.csv`)).toBe('ImplicitlyDenied');
    expect(await decide(document, 's3:GetObject', `arn:aws:s3:::${FIRST}/private/x`)).toBe('ImplicitlyDenied');
    expect(await decide(document, 's3:PutObject', `arn:aws:s3:::${FIRST}/reports/q1.csv`)).toBe('ImplicitlyDenied');
  });

  it('an appended statement adds exactly its grant, and a Deny statement wins', async () => {
    const { document } = await renderPolicy({
      buckets: [FIRST],
      mode: 'read-only',
      statements: [
        `{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"arn:aws:s3:::${FIRST}/*"}`,
        `{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::${FIRST}/secret/*"}`,
      ],
    });
    expect(await decide(document, 's3:PutObjectTagging', `arn:aws:s3:::${FIRST}/a.txt`)).toBe('Allowed');
    expect(await decide(document, 's3:PutObject', `arn:aws:s3:::${FIRST}/a.txt`)).toBe('ImplicitlyDenied');
    expect(await decide(document, 's3:GetObject', `arn:aws:s3:::${FIRST}/a.txt`)).toBe('Allowed');
    expect(await decide(document, 's3:GetObject', `arn:aws:s3:::${FIRST}/secret/a.txt`)).toBe('ExplicitlyDenied');
  });
});

describe('the public bucket policy (IAM simulator)', () => {
  async function anonymous(action: string, resource: string): Promise<Decision> {
    const { anonymousPrincipal } = await import('@cloud-copilot/iam-simulate');
    const result = await runSimulation(
      {
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: publicBucketPolicy(FIRST),
        request: { principal: anonymousPrincipal, action, resource: { accountId: ACCOUNT, resource }, contextVariables: {} },
      },
      {},
    );
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return result.overallResult as Decision;
  }

  it('lets anyone read objects, and nothing else', async () => {
    expect(await anonymous('s3:GetObject', `arn:aws:s3:::${FIRST}/index.html`)).toBe('Allowed');
    expect(await anonymous('s3:GetObject', `arn:aws:s3:::${SECOND}/index.html`)).toBe('ImplicitlyDenied');
    expect(await anonymous('s3:PutObject', `arn:aws:s3:::${FIRST}/index.html`)).toBe('ImplicitlyDenied');
    expect(await anonymous('s3:ListBucket', `arn:aws:s3:::${FIRST}`)).toBe('ImplicitlyDenied');
    expect(await anonymous('s3:DeleteObject', `arn:aws:s3:::${FIRST}/index.html`)).toBe('ImplicitlyDenied');
  });
});
