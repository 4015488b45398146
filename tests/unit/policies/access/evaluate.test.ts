/**
 * The evaluator's answers written out by hand: what each answer names, and the AWS rules where the
 * simulator used as the matrix's oracle answers differently (each one says which documentation it
 * follows).
 */
import { evaluate, type AccessRequest, type PolicySet } from '../../../../src/policies/access';
import { inCidr } from '../../../../src/policies/access/conditions';
import type { Statement } from '../../../../src/policies/documents';
import { ALICE, BOB, CAROL, OWNER, ROLE, SESSION } from './scenarios';

const doc = (...Statement: Statement[]) => ({ Version: '2012-10-17', Statement });
const get = (principal: string | undefined, key: string, context?: AccessRequest['context']): AccessRequest => ({
  principal,
  action: 's3:GetObject',
  resource: `arn:aws:s3:::photos/${key}`,
  resourceAccount: OWNER,
  ...(context ? { context } : {}),
});

describe('what an answer names', () => {
  const policies: PolicySet = {
    inline: [
      {
        label: 'user alice inline s3-share.read-only.1a2b3c4d',
        document: doc({ Sid: 'ReadObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }),
      },
    ],
    groups: [
      {
        name: 'staff',
        inline: [],
        managed: [
          {
            label: 'group staff managed NoSecrets',
            document: doc(
              { Effect: 'Allow', Action: 's3:List*', Resource: '*' },
              { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::photos/secret/*' },
            ),
          },
        ],
      },
    ],
    boundary: {
      label: 'boundary AmazonS3ReadOnlyAccess',
      document: doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }),
    },
    bucketPolicy: {
      label: 'bucket policy of photos',
      document: doc({ Sid: 'Bob', Effect: 'Allow', Principal: { AWS: BOB }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::photos/*' }),
    },
  };

  it('an Allow names the identity statement and the boundary statement that let it through', () => {
    expect(evaluate(get(ALICE, 'a.jpg'), policies)).toEqual({
      decision: 'Allow',
      reasons: [
        { policy: 'user alice inline s3-share.read-only.1a2b3c4d', statement: 'statement 1 (Sid ReadObjects)', effect: 'Allow' },
        { policy: 'boundary AmazonS3ReadOnlyAccess', statement: 'statement 1', effect: 'Allow' },
      ],
    });
  });

  it('an explicit Deny names the Deny statement and its policy', () => {
    expect(evaluate(get(ALICE, 'secret/a.jpg'), policies)).toEqual({
      decision: 'Deny',
      explicit: true,
      reasons: [{ policy: 'group staff managed NoSecrets', statement: 'statement 2', effect: 'Deny' }],
    });
  });

  it('an implicit Deny says which side granted nothing', () => {
    const put = { ...get(ALICE, 'a.jpg'), action: 's3:PutObject' };
    expect(evaluate(put, policies)).toEqual({
      decision: 'Deny',
      explicit: false,
      reasons: [],
      missing: ['no identity policy allows it', 'the bucket policy does not grant it to this principal'],
    });
    expect(evaluate({ ...put, principal: CAROL }, { inline: policies.inline })).toMatchObject({
      decision: 'Deny',
      missing: ['no identity policy allows it', 'there is no bucket policy (another account needs one)'],
    });
  });

  it('a bucket-policy grant to the user itself is named, and is not held back by a boundary', () => {
    expect(evaluate({ ...get(BOB, 'a.jpg'), action: 's3:PutObject' }, policies)).toEqual({
      decision: 'Allow',
      reasons: [{ policy: 'bucket policy of photos', statement: 'statement 1 (Sid Bob)', effect: 'Allow' }],
    });
  });
});

describe('AWS rules the simulator answers differently', () => {
  it('Date conditions take epoch seconds (AWS: "in epoch (UNIX) time"; the simulator reads them as milliseconds)', () => {
    const policies: PolicySet = {
      inline: [
        {
          label: 'until',
          document: doc({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { DateLessThan: { 'aws:CurrentTime': '1893456000' } },
          }),
        },
      ],
    };
    expect(evaluate(get(ALICE, 'a', { 'aws:CurrentTime': '2029-12-31T23:59:59Z' }), policies).decision).toBe('Allow');
    expect(evaluate(get(ALICE, 'a', { 'aws:CurrentTime': '2030-01-01T00:00:00Z' }), policies).decision).toBe('Deny');
  });

  it('a 2008-10-17 document reads ${aws:username} as literal text (AWS: variables need Version 2012-10-17)', () => {
    const old = (Version: string): PolicySet => ({
      inline: [
        {
          label: 'home',
          document: {
            Version,
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/${aws:username}/*' }],
          },
        },
      ],
    });
    expect(evaluate(get(ALICE, 'alice/a'), old('2008-10-17')).decision).toBe('Deny');
    expect(evaluate(get(ALICE, '${aws:username}/a'), old('2008-10-17')).decision).toBe('Allow');
    expect(evaluate(get(ALICE, 'alice/a'), old('2012-10-17')).decision).toBe('Allow');
  });

  it('a bucket policy naming the session itself is not limited by the session policy; naming the role is (AWS: session policies)', () => {
    const base: PolicySet = {
      inline: [{ label: 'role inline', document: doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }) }],
      sessionPolicy: { label: 'session policy', document: doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }) },
    };
    const grantTo = (principal: string): PolicySet => ({
      ...base,
      bucketPolicy: {
        label: 'bucket policy of photos',
        document: doc({ Effect: 'Allow', Principal: { AWS: principal }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }),
      },
    });
    expect(evaluate(get(SESSION, 'a'), grantTo(SESSION)).decision).toBe('Allow');
    expect(evaluate(get(SESSION, 'a'), grantTo(ROLE)).decision).toBe('Deny');
    expect(evaluate(get(SESSION, 'a'), { ...grantTo(ROLE), sessionPolicy: undefined }).decision).toBe('Allow');
  });
});

describe('rules from the AWS documentation', () => {
  it('a NotPrincipal Deny in a bucket policy denies any principal with a permissions boundary', () => {
    const policies: PolicySet = {
      inline: [{ label: 'all', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }],
      bucketPolicy: {
        label: 'bucket policy of photos',
        document: doc({ Effect: 'Deny', NotPrincipal: { AWS: ALICE }, Action: 's3:GetObject', Resource: '*' }),
      },
    };
    expect(evaluate(get(ALICE, 'a'), policies).decision).toBe('Allow');
    expect(evaluate(get(BOB, 'a'), policies)).toMatchObject({ decision: 'Deny', explicit: true });
    const bounded = { ...policies, boundary: { label: 'boundary', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) } };
    expect(evaluate(get(ALICE, 'a'), bounded)).toMatchObject({ decision: 'Deny', explicit: true });
  });

  it("sts:AssumeRole needs the role's trust policy to admit the caller, even in its own account", () => {
    const identity = [{ label: 'assume', document: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE }) }];
    const trust = (Principal: Statement['Principal']) => ({
      label: 'trust',
      document: doc({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole' }),
    });
    const assume = (principal: string, policies: PolicySet) =>
      evaluate({ principal, action: 'sts:AssumeRole', resource: ROLE, resourceAccount: OWNER }, policies).decision;
    expect(assume(ALICE, { inline: identity, bucketPolicy: trust({ AWS: BOB }) })).toBe('Deny');
    expect(assume(ALICE, { inline: identity, bucketPolicy: trust({ AWS: OWNER }) })).toBe('Allow');
    expect(assume(ALICE, { bucketPolicy: trust({ AWS: OWNER }) })).toBe('Deny');
    expect(assume(ALICE, { bucketPolicy: trust({ AWS: ALICE }) })).toBe('Allow');
  });

  it('condition keys are case-insensitive, values of String operators are not', () => {
    const policies: PolicySet = {
      inline: [
        {
          label: 'tls',
          document: doc({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { StringEquals: { 'AWS:SOURCEIP': '192.0.2.1' } },
          }),
        },
      ],
    };
    expect(evaluate(get(ALICE, 'a', { 'aws:SourceIp': '192.0.2.1' }), policies).decision).toBe('Allow');
    const ignoreCase: PolicySet = {
      inline: [
        {
          label: 'acl',
          document: doc({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { StringEquals: { 'aws:username': 'ALICE' } },
          }),
        },
      ],
    };
    expect(evaluate(get(ALICE, 'a'), ignoreCase).decision).toBe('Deny');
  });

  it('ArnEquals and ArnLike compare the six parts of an ARN: a value that is not an ARN never matches', () => {
    const arnCondition = (value: string): PolicySet => ({
      inline: [
        {
          label: 'arn',
          document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': value } } }),
        },
      ],
    });
    expect(evaluate(get(ALICE, 'a'), arnCondition('arn:aws:iam::*:user/*')).decision).toBe('Allow');
    expect(evaluate(get(ALICE, 'a'), arnCondition('arn:aws:iam::*:user/al?ce')).decision).toBe('Allow');
    expect(evaluate(get(ALICE, 'a'), arnCondition('arn:aws:iam::*:*')).decision).toBe('Allow');
    expect(evaluate(get(ALICE, 'a'), arnCondition('alice')).decision).toBe('Deny');
    expect(evaluate(get(ALICE, 'a'), arnCondition('arn:aws:iam:user/alice')).decision).toBe('Deny');
  });

  it('a policy variable takes its default when the key is absent, and matches nothing without one', () => {
    const policies = (resource: string): PolicySet => ({
      inline: [{ label: 'home', document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }) }],
    });
    expect(evaluate(get(SESSION, 'shared/a'), policies("arn:aws:s3:::photos/${aws:username, 'shared'}/*")).decision).toBe('Allow');
    expect(evaluate(get(SESSION, 'shared/a'), policies('arn:aws:s3:::photos/${aws:username}/*')).decision).toBe('Deny');
    expect(evaluate(get(ALICE, 'alice/a'), policies("arn:aws:s3:::photos/${aws:username, 'shared'}/*")).decision).toBe('Allow');
  });

  it('an anonymous request is granted only by a bucket policy naming "*"', () => {
    const policies: PolicySet = {
      inline: [{ label: 'all', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }],
      bucketPolicy: {
        label: 'bucket policy of photos',
        document: doc({ Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:GetObject', Resource: '*' }),
      },
    };
    expect(evaluate(get(undefined, 'a'), policies)).toMatchObject({ decision: 'Deny', explicit: false });
    // Nor do identity policies (of whichever user the caller meant to look at) deny it anything.
    const everyone: PolicySet = {
      inline: [{ label: 'deny', document: doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' }) }],
      bucketPolicy: {
        label: 'bucket policy of photos',
        document: doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }),
      },
    };
    expect(evaluate(get(undefined, 'a'), everyone)).toEqual({
      decision: 'Allow',
      reasons: [{ policy: 'bucket policy of photos', statement: 'statement 1', effect: 'Allow' }],
    });
  });

  it('IP ranges: IPv4 and IPv6 CIDRs, and a family never matches the other', () => {
    expect(inCidr('192.0.2.200', '192.0.2.0/24')).toBe(true);
    expect(inCidr('192.0.3.1', '192.0.2.0/24')).toBe(false);
    expect(inCidr('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(inCidr('2001:db8:ffff::1', '2001:db8::/32')).toBe(true);
    expect(inCidr('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(inCidr('::1', '::1/128')).toBe(true);
    expect(inCidr('2001:db8::', '2001:db8::/128')).toBe(true);
    expect(inCidr('2001:db8::1:0', '2001:db8::/112')).toBe(false);
    expect(inCidr('192.0.2.1', '::/0')).toBe(false);
    expect(inCidr('300.0.0.1', '0.0.0.0/0')).toBe(false);
    expect(inCidr('1:2:3:4:5:6:7:8:9', '::/0')).toBe(false);
  });

  it('a single statement, action or resource may be given bare instead of as a list', () => {
    const bare: PolicySet = {
      inline: [
        {
          label: 'bare',
          document: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' } },
        },
      ],
    };
    expect(evaluate(get(ALICE, 'a'), bare)).toEqual({
      decision: 'Allow',
      reasons: [{ policy: 'bare', statement: 'statement 1', effect: 'Allow' }],
    });
  });

  it('a document that is not a policy grants nothing', () => {
    for (const document of [null, 'text', { Statement: 'x' }, { Version: '2012-10-17' }]) {
      expect(evaluate(get(ALICE, 'a'), { inline: [{ label: 'odd', document }] }).decision).toBe('Deny');
    }
  });
});
