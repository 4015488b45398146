import { UsageError } from '../../../src/errors';
import {
  appendStatements,
  checkPolicyCharacters,
  checkPolicySize,
  mergePolicies,
  minifyPolicy,
  policySize,
  POLICY_SIZE_LIMITS,
  validatePolicyShape,
  type PolicyDocument,
  type Statement,
} from '../../../src/policies/documents';

const allow = (extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/*',
  ...extra,
});
const doc = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

function shapeError(value: unknown, kind: 'identity' | 'resource' = 'identity'): string {
  try {
    validatePolicyShape(value, kind, 'p.json');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('validatePolicyShape', () => {
  it('accepts policies in all the forms IAM does, and always returns a Statement array', () => {
    expect(validatePolicyShape({ Version: '2012-10-17', Statement: allow() }, 'identity', 'x').Statement).toEqual([allow()]);
    const full = doc(allow({ Sid: 'Read1', Action: ['s3:GetObject', 's3:List*'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }), {
      Effect: 'Deny',
      NotAction: 's3:*',
      NotResource: 'arn:aws:s3:::b/*',
      Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { 's3:max-keys': [10, '20'] } },
    });
    expect(validatePolicyShape({ ...full, Id: 'x' }, 'identity', 'x').Statement).toHaveLength(2);
    expect(validatePolicyShape({ Version: '2008-10-17', Statement: [allow()] }, 'identity', 'x').Version).toBe('2008-10-17');
    expect(validatePolicyShape(doc(allow({ Principal: '*', Sid: 'public read' })), 'resource', 'x').Statement).toHaveLength(1);
    expect(
      validatePolicyShape(
        doc(allow({ Principal: { AWS: ['arn:aws:iam::123456789012:root'], Service: 'x.amazonaws.com' } })),
        'resource',
        'x',
      ),
    ).toBeTruthy();
  });

  it.each<[string, unknown, RegExp]>([
    ['an array', [allow()], /^p\.json is not a policy document: expected a JSON object with "Version" and "Statement", found an array$/],
    ['a string', 'hello', /found a string/],
    ['no Version', { Statement: [allow()] }, /^p\.json has no "Version": add "Version": "2012-10-17"$/],
    ['a wrong Version', { Version: '2012-10-18', Statement: [allow()] }, /has Version "2012-10-18": use "2012-10-17"/],
    ['a numeric Version', { Version: 2012, Statement: [allow()] }, /has Version 2012: use "2012-10-17"/],
    ['no Statement', { Version: '2012-10-17' }, /has no "Statement": add "Statement"/],
    [
      'a misspelt Statement',
      { Version: '2012-10-17', Statements: [allow()] },
      /has an unknown element "Statements" \(did you mean "Statement"\?\): a policy document has only Version, Id and Statement/,
    ],
    [
      'a string Statement',
      { Version: '2012-10-17', Statement: 'x' },
      /has a Statement that is a string: Statement is an object or an array of objects/,
    ],
    ['an empty Statement', doc(), /has an empty Statement list: add at least one statement/],
    ['a statement that is not an object', doc(allow(), 'x'), /^p\.json statement 2 is a string: a statement is an object/],
    ['no Effect', doc({ Action: 's3:GetObject', Resource: '*' }), /statement 1 has no Effect: add "Effect": "Allow" or "Effect": "Deny"/],
    ['a lowercase Effect', doc(allow({ Effect: 'allow' })), /statement 1 has Effect "allow": use "Allow" or "Deny"/],
    ['no Action', doc({ Effect: 'Allow', Resource: '*' }), /has no Action: add "Action" \(or "NotAction"\)/],
    ['Action and NotAction', doc(allow({ NotAction: 's3:PutObject' })), /has both Action and NotAction: use one of them/],
    ['a numeric Action', doc(allow({ Action: 5 })), /has an Action that is a number: Action is a string or a non-empty array of strings/],
    ['an empty Action list', doc(allow({ Action: [] })), /has an Action that is an empty array/],
    ['a mixed Action list', doc(allow({ Action: ['s3:GetObject', 1] })), /Action is a string or a non-empty array of strings/],
    ['an empty action', doc(allow({ Action: ['s3:GetObject', ''] })), /has an empty string in Action: remove it/],
    ['no Resource', doc({ Effect: 'Allow', Action: '*' }), /has no Resource: add "Resource" \(or "NotResource"\)/],
    ['Resource and NotResource', doc(allow({ NotResource: '*' })), /has both Resource and NotResource/],
    ['an object Resource', doc(allow({ Resource: { arn: 'x' } })), /has a Resource that is an object/],
    ['a bad NotResource', doc({ Effect: 'Deny', Action: '*', NotResource: [true] }), /has a NotResource that is an array/],
    ['a string Condition', doc(allow({ Condition: 'x' })), /has a Condition that is a string: Condition is an object/],
    [
      'a Condition block that is a list',
      doc(allow({ Condition: { StringLike: ['x'] } })),
      /Condition operator StringLike whose value is an array/,
    ],
    [
      'a Condition value that is an object',
      doc(allow({ Condition: { StringLike: { 's3:prefix': { a: 1 } } } })),
      /Condition StringLike s3:prefix that is an object/,
    ],
    [
      'an unknown statement element',
      doc(allow({ Actions: 's3:GetObject' })),
      /has an unknown element "Actions" \(did you mean "Action"\?\)/,
    ],
    [
      'a Sid with a hyphen',
      doc(allow({ Sid: 'read-only' })),
      /has Sid "read-only": IAM allows only letters and digits in a Sid, such as "readonly"/,
    ],
    ['a numeric Sid', doc(allow({ Sid: 1 })), /has a Sid that is a number/],
    [
      'a Principal in a user policy',
      doc(allow({ Principal: '*' })),
      /has a Principal, which policies attached to a user cannot have: remove it/,
    ],
    ['a NotPrincipal in a user policy', doc(allow({ NotPrincipal: { AWS: 'x' } })), /has a NotPrincipal/],
    ['a bad Id', { ...doc(allow()), Id: 5 }, /has an Id that is a number/],
    [
      'a repeated Sid',
      doc(allow({ Sid: 'Same' }), allow({ Sid: 'Same', Action: 's3:PutObject' })),
      /^p\.json has two statements with Sid "Same": give each statement its own Sid$/,
    ],
  ])('rejects %s', (_name, value, expected) => {
    expect(shapeError(value)).toMatch(expected);
  });

  it('names the statement by its Sid when it has one', () => {
    expect(shapeError(doc(allow({ Sid: 'One' }), allow({ Sid: 'Two', Effect: 'Permit' })))).toMatch(
      /^p\.json statement 2 \(Sid Two\) has Effect "Permit"/,
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['no Principal', doc(allow()), /has no Principal: a bucket policy statement says whom it applies to/],
    ['both', doc(allow({ Principal: '*', NotPrincipal: '*' })), /has both Principal and NotPrincipal/],
    ['a bad Principal', doc(allow({ Principal: 'everyone' })), /has a Principal that is a string: use "\*" or an object/],
    [
      'an unknown Principal type',
      doc(allow({ Principal: { User: 'x' } })),
      /has an unknown Principal type "User": use AWS, Service, Federated or CanonicalUser/,
    ],
    ['an empty Principal list', doc(allow({ Principal: { AWS: [] } })), /Principal\.AWS that is an empty array/],
  ])('rejects in a bucket policy: %s', (_name, value, expected) => {
    expect(shapeError(value, 'resource')).toMatch(expected);
  });
});

describe('mergePolicies', () => {
  const render = (bucket: string): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'List', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
      { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  });

  it('gives statements that differ only in Resource one statement over all resources', () => {
    expect(mergePolicies([render('aaa'), render('bbb')]).Statement).toEqual([
      { Sid: 'List', Effect: 'Allow', Action: 's3:ListBucket', Resource: ['arn:aws:s3:::aaa', 'arn:aws:s3:::bbb'] },
      { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::aaa/*', 'arn:aws:s3:::bbb/*'] },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
  });

  it('keeps the Version and Id of the template', () => {
    const withId: PolicyDocument = { ...render('aaa'), Version: '2008-10-17', Id: 'SharePolicy' };
    const merged = mergePolicies([withId, { ...withId, Statement: render('bbb').Statement }]);
    expect(merged.Version).toBe('2008-10-17');
    expect(merged.Id).toBe('SharePolicy');
    expect(Object.keys(merged)).toEqual(['Version', 'Id', 'Statement']);
  });

  it('keeps a single document as it is and does not change its input', () => {
    const one = render('aaa');
    const before = JSON.stringify(one);
    expect(mergePolicies([one])).toEqual(one);
    mergePolicies([one, render('bbb')]);
    expect(JSON.stringify(one)).toBe(before);
  });

  it('drops identical statements whatever their key order', () => {
    const a: Statement = { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::x/*' };
    const b = { NotResource: 'arn:aws:s3:::x/*', Action: 's3:GetObject', Effect: 'Allow' } as Statement;
    expect(
      mergePolicies([
        { Version: '2012-10-17', Statement: [a] },
        { Version: '2012-10-17', Statement: [b] },
      ]).Statement,
    ).toEqual([a]);
  });

  it('never combines NotResource lists, and renumbers Sids that would repeat', () => {
    const notIn = (bucket: string): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyOthers', Effect: 'Deny', Action: 's3:*', NotResource: `arn:aws:s3:::${bucket}/*` }],
    });
    const merged = mergePolicies([notIn('aaa'), notIn('bbb'), notIn('ccc')]);
    expect(merged.Statement.map((s) => [s.Sid, s.NotResource])).toEqual([
      ['DenyOthers', 'arn:aws:s3:::aaa/*'],
      ['DenyOthers2', 'arn:aws:s3:::bbb/*'],
      ['DenyOthers3', 'arn:aws:s3:::ccc/*'],
    ]);
  });

  it('does not merge statements whose conditions differ', () => {
    const tagged = (bucket: string): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Tagged',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { StringEquals: { 's3:ExistingObjectTag/bucket': bucket } },
        },
      ],
    });
    const merged = mergePolicies([tagged('aaa'), tagged('bbb')]);
    expect(merged.Statement).toHaveLength(2);
    expect(merged.Statement.map((s) => s.Sid)).toEqual(['Tagged', 'Tagged2']);
  });

  it('does not renumber onto a Sid that is already taken', () => {
    const d = (bucket: string): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', NotResource: bucket },
        { Sid: 'Read2', Effect: 'Allow', Action: 's3:PutObject', Resource: bucket },
      ],
    });
    const sids = mergePolicies([d('aaa'), d('bbb')]).Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids).toEqual(['Read', 'Read2', 'Read3']);
  });
});

describe('appendStatements', () => {
  const base: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
  };

  it('adds statements, skipping exact repeats', () => {
    const extra: Statement = { Effect: 'Allow', Action: 's3:PutObjectTagging', Resource: '*' };
    expect(appendStatements(base, [extra, extra, base.Statement[0]!], '--statement').Statement).toEqual([base.Statement[0], extra]);
  });

  it('refuses a Sid that is already used', () => {
    expect(() => appendStatements(base, [{ Sid: 'Read', Effect: 'Deny', Action: '*', Resource: '*' }], '--statement 2')).toThrow(
      '--statement 2: Sid "Read" is already used in the policy: give the statement another Sid, or none',
    );
  });
});

describe('size', () => {
  const d: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/a b/*' }],
  };

  it('minifies, and counts characters without the whitespace between tokens', () => {
    expect(minifyPolicy(d)).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a b/*"}]}',
    );
    expect(policySize(d)).toBe(minifyPolicy(d).length);
    expect(policySize(d)).toBeLessThan(JSON.stringify(d, null, 2).length);
  });

  it('has the limits AWS documents', () => {
    expect(POLICY_SIZE_LIMITS).toEqual({ 'user-inline': 2048, session: 2048, managed: 6144, bucket: 20480 });
  });

  it('passes a document at the limit and refuses one character more, naming size, limit and a remedy', () => {
    const padded = (size: number): PolicyDocument => {
      const doc: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '' }] };
      doc.Statement[0]!.Resource = 'x'.repeat(size - policySize(doc));
      return doc;
    };
    expect(checkPolicySize(padded(2048), 'user-inline')).toBe(2048);
    expect(() => checkPolicySize(padded(2049), 'user-inline')).toThrow(
      "the policy is 2,049 characters (not counting whitespace), over the 2,048-character limit of a user's inline policies: share fewer buckets per user, use a managed policy (6,144 characters), or shorten the statements",
    );
    expect(() => checkPolicySize(padded(2049), 'session')).toThrow(
      /2,048-character limit of a session policy: share fewer buckets per set of credentials/,
    );
    expect(checkPolicySize(padded(6144), 'managed')).toBe(6144);
    expect(() => checkPolicySize(padded(6145), 'managed')).toThrow(
      /6,145 characters .* 6,144-character limit of a managed policy: share fewer buckets per user, or shorten/,
    );
    expect(checkPolicySize(padded(20480), 'bucket')).toBe(20480);
    expect(() => checkPolicySize(padded(20481), 'bucket')).toThrow(/20,481 characters .* 20,480-character limit of a bucket policy/);
  });
});

describe('checkPolicyCharacters', () => {
  it('accepts Latin-1 and refuses anything beyond it, naming the statement', () => {
    const d = (resource: string): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: resource }],
    });
    expect(() => checkPolicyCharacters(d('arn:aws:s3:::b/r\u00e9sum\u00e9/*'), 'the policy')).not.toThrow();
    expect(() => checkPolicyCharacters(d('arn:aws:s3:::b/\u65e5/*'), 'the policy')).toThrow(
      "the policy statement 1 (Sid A) contains '\u65e5' (U+65E5): IAM policies may only contain Latin-1 characters, remove it",
    );
  });
});
