import { UsageError } from '../../../src/errors';
import type { ActionCatalogue } from '../../../src/policies/actions';
import { checkPolicySize, policySize, POLICY_SIZE_LIMITS, type PolicyDocument } from '../../../src/policies/documents';
import {
  ACCESS_MODES,
  BUILT_IN_TEMPLATES,
  publicBucketPolicy,
  renderPolicy,
  renderPublicBucketPolicy,
  type AccessMode,
  type PolicySpec,
} from '../../../src/policies/templates';

const READ_ACTIONS = [
  's3:GetObject',
  's3:GetObjectAcl',
  's3:GetObjectAttributes',
  's3:GetObjectLegalHold',
  's3:GetObjectRetention',
  's3:GetObjectTagging',
  's3:GetObjectVersion',
  's3:GetObjectVersionAcl',
  's3:GetObjectVersionAttributes',
  's3:GetObjectVersionTagging',
];

async function usageError(spec: PolicySpec): Promise<string> {
  try {
    await renderPolicy(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toMatch(/[\r\n]/);
    return (err as Error).message;
  }
  throw new Error('rendered without error');
}

describe('built-in templates', () => {
  it('read-only: list and locate the bucket, read its objects', async () => {
    const { document, notices } = await renderPolicy({ buckets: ['photos'], mode: 'read-only' });
    expect(notices).toEqual([]);
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ListBucketAndFindRegion',
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:GetBucketLocation'],
          Resource: 'arn:aws:s3:::photos',
        },
        { Sid: 'ReadObjects', Effect: 'Allow', Action: READ_ACTIONS, Resource: 'arn:aws:s3:::photos/*' },
      ],
    });
  });

  it('write-only: put and abort uploads, nothing that lists or reads', async () => {
    const { document } = await renderPolicy({ buckets: ['photos'], mode: 'write-only' });
    expect(document.Statement).toEqual([
      { Sid: 'WriteObjects', Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: 'arn:aws:s3:::photos/*' },
    ]);
  });

  it('read-write (the default): read-only plus put, abort and delete', async () => {
    const { document } = await renderPolicy({ buckets: ['photos'] });
    expect(document.Statement).toEqual([
      {
        Sid: 'ListBucketAndFindRegion',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetBucketLocation'],
        Resource: 'arn:aws:s3:::photos',
      },
      {
        Sid: 'ReadWriteObjects',
        Effect: 'Allow',
        Action: [...READ_ACTIONS, 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
        Resource: 'arn:aws:s3:::photos/*',
      },
    ]);
  });

  it('prefix: objects under the folder, listing conditioned on s3:prefix, location bucket-wide', async () => {
    const { document, notices } = await renderPolicy({ buckets: ['photos', 'videos'], mode: 'read-only', prefix: 'alice' });
    expect(notices).toEqual(['prefix alice means the folder alice/; added the trailing slash']);
    expect(document.Statement).toEqual([
      {
        Sid: 'FindBucketRegion',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation'],
        Resource: ['arn:aws:s3:::photos', 'arn:aws:s3:::videos'],
      },
      {
        Sid: 'ListPrefix',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: ['arn:aws:s3:::photos', 'arn:aws:s3:::videos'],
        Condition: { StringLike: { 's3:prefix': ['alice/*'] } },
      },
      {
        Sid: 'ReadObjectsInPrefix',
        Effect: 'Allow',
        Action: READ_ACTIONS,
        Resource: ['arn:aws:s3:::photos/alice/*', 'arn:aws:s3:::videos/alice/*'],
      },
    ]);
  });

  it('several buckets give one document with one statement per purpose, not one per bucket', async () => {
    for (const mode of ACCESS_MODES) {
      const one = (await renderPolicy({ buckets: ['bucket-a'], mode })).document;
      const three = (await renderPolicy({ buckets: ['bucket-a', 'bucket-b', 'bucket-c'], mode })).document;
      expect(three.Statement.map((s) => s.Sid)).toEqual(one.Statement.map((s) => s.Sid));
      for (const s of three.Statement) expect(s.Resource).toHaveLength(3);
    }
  });

  it('each template file has stable, unique Sids and only the two placeholders', () => {
    for (const [name, template] of Object.entries(BUILT_IN_TEMPLATES)) {
      const files = name === 'public-bucket' ? [template] : Object.values(template as object);
      for (const file of files) {
        const text = JSON.stringify(file);
        const sids = (file as PolicyDocument).Statement.map((s) => s.Sid);
        expect(sids.every((s) => typeof s === 'string' && /^[A-Za-z0-9]+$/.test(s))).toBe(true);
        expect(new Set(sids).size).toBe(sids.length);
        expect(text.match(/\$![A-Z_]+!\$/g)?.every((p) => p === '$!BUCKET_NAME!$' || p === '$!PREFIX!$')).toBe(true);
      }
    }
    // The prefix templates, and only they, use $!PREFIX!$.
    for (const mode of ACCESS_MODES) {
      expect(JSON.stringify(BUILT_IN_TEMPLATES[mode].prefix)).toContain('$!PREFIX!$');
      expect(JSON.stringify(BUILT_IN_TEMPLATES[mode].bucket)).not.toContain('$!PREFIX!$');
    }
  });

  it('validates buckets and prefix before anything else', async () => {
    expect(await usageError({ buckets: ['Bad_Bucket'], mode: 'read-only' })).toMatch(/^bucket name 'Bad_Bucket'/);
    expect(await usageError({ buckets: ['good-bucket'], mode: 'read-only', prefix: '/alice' })).toMatch(
      /^prefix '\/alice' starts with '\/'/,
    );
    expect(await usageError({ buckets: [], mode: 'read-only' })).toMatch(/no bucket given/);
  });

  it('does not load the action catalogue for built-in templates', async () => {
    const catalogue = jest.fn(async (): Promise<ActionCatalogue> => {
      throw new Error('loaded');
    });
    for (const mode of ACCESS_MODES) {
      await renderPolicy({ buckets: ['photos', 'videos'], mode, prefix: 'alice/' }, { catalogue });
    }
    expect(catalogue).not.toHaveBeenCalled();
    // ...and does load it as soon as the user writes part of the policy.
    await expect(
      renderPolicy(
        { buckets: ['photos'], mode: 'read-only', statements: ['{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}'] },
        { catalogue },
      ),
    ).rejects.toThrow('loaded');
    expect(catalogue).toHaveBeenCalledTimes(1);
  });
});

describe('custom templates', () => {
  const template = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadReports', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::$!BUCKET_NAME!$/reports/*' },
      { Sid: 'DenyInsecure', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  });

  it('fills $!BUCKET_NAME!$ once per bucket and merges into one document', async () => {
    const { document, notices } = await renderPolicy({ buckets: ['photos', 'videos'], template, templateSource: '--policy file t.json' });
    expect(notices).toEqual([]);
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadReports',
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: ['arn:aws:s3:::photos/reports/*', 'arn:aws:s3:::videos/reports/*'],
        },
        // The same statement for both buckets appears once.
        { Sid: 'DenyInsecure', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    });
  });

  it('fills $!PREFIX!$ with the normalized folder, in resources and conditions', async () => {
    const t =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::$!BUCKET_NAME!$","Condition":{"StringLike":{"s3:prefix":"$!PREFIX!$*"}}}]}';
    const { document, notices } = await renderPolicy({ buckets: ['photos'], template: t, prefix: 'team/alice' });
    expect(notices).toEqual(['prefix team/alice means the folder team/alice/; added the trailing slash']);
    expect(document.Statement[0]).toEqual({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::photos',
      Condition: { StringLike: { 's3:prefix': 'team/alice/*' } },
    });
  });

  it('notes a template without $!BUCKET_NAME!$', async () => {
    const t = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}';
    const { document, notices } = await renderPolicy({ buckets: ['photos', 'videos'], template: t, templateSource: '--policy' });
    expect(document.Statement).toHaveLength(1);
    expect(notices).toEqual(['--policy has no $!BUCKET_NAME!$: it is used as written, and the bucket names given do not appear in it']);
  });

  it.each<[string, Partial<PolicySpec>, RegExp]>([
    [
      'invalid JSON, with the line and column',
      { template: '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}' },
      /^--policy file t\.json is not valid JSON: unexpected ',' at line 3, column 17/,
    ],
    ['a document that is not a policy', { template: '{"Statement": []}' }, /^--policy file t\.json has no "Version"/],
    [
      'a Principal',
      { template: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}' },
      /statement 1 has a Principal/,
    ],
    [
      'an unknown placeholder',
      { template: '{"Version":"2012-10-17",\n"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::$!BUCKET!$"}}' },
      /^--policy file t\.json has an unknown placeholder \$!BUCKET!\$ on line 2: use \$!BUCKET_NAME!\$ or \$!PREFIX!\$$/,
    ],
    [
      'a lowercase placeholder',
      { template: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::$!bucket_name!$"}}' },
      /unknown placeholder \$!bucket_name!\$ on line 1: did you mean \$!BUCKET_NAME!\$\? \(placeholders are uppercase\)/,
    ],
    [
      'an unfinished placeholder',
      { template: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::$!BUCKET_NAME$"}}' },
      /an unfinished placeholder \$!BUCKET_NAME \(placeholders end with !\$\)/,
    ],
    [
      '$!PREFIX!$ without a prefix',
      {
        template:
          '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::$!BUCKET_NAME!$/$!PREFIX!$*"}}',
      },
      /uses \$!PREFIX!\$ but no prefix was given: add --prefix/,
    ],
    [
      'a prefix the template ignores',
      {
        prefix: 'alice/',
        template: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::$!BUCKET_NAME!$/*"}}',
      },
      /has no \$!PREFIX!\$, so the prefix would be ignored/,
    ],
    [
      'a misspelt action',
      { template: '{"Version":"2012-10-17","Statement":{"Sid":"R","Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}}' },
      /^--policy file t\.json statement 1 \(Sid R\) has Action "s3:GetObjects", which is not a known s3 action: did you mean "s3:GetObject"\?$/,
    ],
    ['a mode as well', { mode: 'read-only', template: '{}' }, /^a custom policy and --read-only conflict/],
    [
      'characters IAM refuses',
      {
        template:
          '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::$!BUCKET_NAME!$/\u65e5/*"}}',
      },
      /contains '\u65e5' \(U\+65E5\): IAM policies may only contain Latin-1 characters/,
    ],
  ])('rejects %s', async (_name, spec, expected) => {
    expect(await usageError({ buckets: ['photos'], templateSource: '--policy file t.json', template: '', ...spec })).toMatch(expected);
  });
});

describe('--statement', () => {
  const tagging = '{"Sid":"TagObjects","Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"arn:aws:s3:::photos/*"}';

  it('appends statements to a built-in document', async () => {
    const { document } = await renderPolicy({ buckets: ['photos'], mode: 'read-only', statements: [tagging] });
    expect(document.Statement.map((s) => s.Sid)).toEqual(['ListBucketAndFindRegion', 'ReadObjects', 'TagObjects']);
    expect(document.Statement[2]).toEqual(JSON.parse(tagging));
  });

  it('appends to a custom document too, and takes an array of statements', async () => {
    const t =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::$!BUCKET_NAME!$/*"}]}';
    const list =
      '[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]';
    const { document } = await renderPolicy({ buckets: ['photos'], template: t, statements: [tagging, list] });
    expect(document.Statement.map((s) => s.Action)).toEqual(['s3:GetObject', 's3:PutObjectTagging', 's3:ListBucket', 's3:DeleteObject']);
  });

  it.each<[string, string[], RegExp]>([
    ['invalid JSON', ['{"Effect":"Allow",}'], /^--statement is not valid JSON: trailing comma before '}' at line 1, column 19/],
    [
      'an unknown action',
      ['{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}'],
      /^--statement has Action "s3:GetObjects", which is not a known s3 action: did you mean "s3:GetObject"\?$/,
    ],
    [
      'an unknown action in the second one',
      [tagging, '{"Effect":"Allow","Action":"s3:Frobnicate","Resource":"*"}'],
      /^--statement 2 has Action "s3:Frobnicate", which is not a known s3 action/,
    ],
    ['a statement without Effect', ['{"Action":"s3:GetObject","Resource":"*"}'], /^--statement has no Effect/],
    ['a whole policy instead of a statement', ['{"Version":"2012-10-17","Statement":[]}'], /^--statement has an unknown element "Version"/],
    [
      'a placeholder',
      ['{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::$!BUCKET_NAME!$/*"}'],
      /--statement has a placeholder: placeholders are filled only in --policy templates/,
    ],
    [
      'a Sid already in the template',
      ['{"Sid":"ReadObjects","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}'],
      /--statement: Sid "ReadObjects" is already used in the policy/,
    ],
    [
      'a Principal',
      ['{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}'],
      /--statement has a Principal, which policies attached to a user cannot have/,
    ],
  ])('rejects %s', async (_name, statements, expected) => {
    expect(await usageError({ buckets: ['photos'], mode: 'read-only', statements })).toMatch(expected);
  });
});

describe('public bucket policy', () => {
  it('lets anyone GetObject on the bucket objects, and nothing else', () => {
    expect(publicBucketPolicy('site-assets')).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'PublicReadObjects', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::site-assets/*' },
      ],
    });
    expect(() => publicBucketPolicy('Site')).toThrow(UsageError);
  });

  it('takes extra statements, which need a Principal there', async () => {
    const deny =
      '{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::site-assets/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}';
    const { document } = await renderPublicBucketPolicy({ bucket: 'site-assets', statements: [deny] });
    expect(document.Statement.map((s) => s.Sid)).toEqual(['PublicReadObjects', 'TlsOnly']);
    await expect(
      renderPublicBucketPolicy({ bucket: 'site-assets', statements: ['{"Effect":"Deny","Action":"s3:*","Resource":"*"}'] }),
    ).rejects.toThrow(/--statement has no Principal/);
  });
});

describe('size', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `company-data-bucket-${String(i + 1).padStart(3, '0')}`);
  const size = async (mode: AccessMode, n: number, prefix?: string) =>
    policySize((await renderPolicy({ buckets: names(n), mode, prefix })).document);
  const mostThatFit = async (mode: AccessMode, prefix?: string) => {
    let n = 1;
    while ((await size(mode, n + 1, prefix)) <= POLICY_SIZE_LIMITS['user-inline']) n++;
    return n;
  };

  // With 23-character bucket names. One policy per bucket (s3-credentials' design) spends the
  // one-bucket size again for every bucket; the merged document adds only the ARNs.
  it.each<[AccessMode, string | undefined, number, number]>([
    ['read-write', undefined, 3, 19],
    ['read-write', 'alice/', 2, 11],
    ['read-only', undefined, 3, 19],
    ['read-only', 'alice/', 2, 11],
    ['write-only', undefined, 11, 46],
    ['write-only', 'alice/', 10, 40],
  ])(
    '%s (prefix %s): per-bucket policies fit %d buckets in 2,048 characters, one merged policy %d',
    async (mode, prefix, perBucket, merged) => {
      const one = await size(mode, 1, prefix);
      expect(Math.floor(POLICY_SIZE_LIMITS['user-inline'] / one)).toBe(perBucket);
      expect(await mostThatFit(mode, prefix)).toBe(merged);
    },
  );

  it('refuses the first bucket too many, with the numbers and what to do', async () => {
    const { document } = await renderPolicy({ buckets: names(20), mode: 'read-write' });
    expect(() => checkPolicySize(document, 'user-inline')).toThrow(
      /^the policy is 2,1\d\d characters \(not counting whitespace\), over the 2,048-character limit of a user's inline policies: share fewer buckets per user, use a managed policy/,
    );
    expect(checkPolicySize(document, 'managed')).toBeGreaterThan(2048);
  });
});
