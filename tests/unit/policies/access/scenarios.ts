/**
 * The generated request matrix: scenarios (a policy set and who asks), each crossed with probes
 * (action, resource, context). Hand-written scenarios cover every construct the evaluator claims;
 * the rest are the policies s3-share itself writes.
 */
import type { AccessRequest, LabelledPolicy, PolicySet } from '../../../../src/policies/access';
import { grantStatements, parseAccountPrincipal } from '../../../../src/policies/bucket-grants';
import type { PolicyDocument, Statement } from '../../../../src/policies/documents';
import { publicBucketPolicy, renderPolicy, type AccessMode } from '../../../../src/policies/templates';
import { accountTrustPolicy, assumeOnlyPolicy, userOnlyTrustPolicy } from '../../../../src/policies/trust';

export const OWNER = '111111111111';
export const OTHER = '222222222222';
export const ALICE = `arn:aws:iam::${OWNER}:user/alice`;
export const BOB = `arn:aws:iam::${OWNER}:user/bob`;
export const ROLE = `arn:aws:iam::${OWNER}:role/share-role`;
export const SESSION = `arn:aws:sts::${OWNER}:assumed-role/share-role/alice-session`;
export const CAROL = `arn:aws:iam::${OTHER}:user/carol`;
export const ANONYMOUS = undefined;

export interface Probe {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface Scenario {
  name: string;
  policies: PolicySet;
  principals: (string | undefined)[];
  probes?: Probe[];
  /** Extra context crossed with every probe (each entry one variant). */
  contexts?: Record<string, string | string[]>[];
}

const obj = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
const bkt = (bucket: string) => `arn:aws:s3:::${bucket}`;

/** The S3 requests every scenario is probed with unless it names its own. */
export const S3_PROBES: Probe[] = [
  ...['photos', 'archive'].flatMap((b) => [
    ...['alice/x.txt', 'alice/sub/y', 'alice-evil/x', 'bob/x', 'private/p', 'top.txt'].map((k) => ({
      action: 's3:GetObject',
      resource: obj(b, k),
    })),
    ...['alice/x.txt', 'bob/x'].map((k) => ({ action: 's3:PutObject', resource: obj(b, k) })),
    { action: 's3:PutObject', resource: obj(b, 'alice/acl'), context: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    { action: 's3:PutObject', resource: obj(b, 'alice/acl'), context: { 's3:x-amz-acl': 'private' } },
    ...['alice/x.txt', 'bob/x'].map((k) => ({ action: 's3:DeleteObject', resource: obj(b, k) })),
    { action: 's3:DeleteObjectVersion', resource: obj(b, 'alice/x.txt') },
    { action: 's3:AbortMultipartUpload', resource: obj(b, 'alice/x') },
    { action: 's3:GetObjectTagging', resource: obj(b, 'alice/x') },
    ...[undefined, '', 'alice/', 'alice', 'bob/', 'alice-evil/'].map((prefix): Probe => ({
      action: 's3:ListBucket',
      resource: bkt(b),
      ...(prefix === undefined ? {} : { context: { 's3:prefix': prefix } }),
    })),
    { action: 's3:ListBucket', resource: bkt(b), context: { 's3:prefix': 'alice/', 's3:delimiter': '/' } },
    { action: 's3:GetBucketLocation', resource: bkt(b) },
    { action: 's3:GetBucketPolicy', resource: bkt(b) },
    { action: 's3:PutBucketPolicy', resource: bkt(b) },
  ]),
];

const doc = (...Statement: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const p = (label: string, document: unknown): LabelledPolicy => ({ label, document });
const allowAll = p('inline allow-all', doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));

/** Hand-written scenarios: one or more per construct of the evaluator. */
function constructScenarios(): Scenario[] {
  const sameAccount = [ALICE, BOB];
  return [
    {
      name: 'explicit Deny wins over Allow',
      policies: {
        inline: [
          p('inline rw', doc({ Sid: 'All', Effect: 'Allow', Action: 's3:*', Resource: '*' })),
          p('inline deny', doc({ Sid: 'NoPrivate', Effect: 'Deny', Action: 's3:GetObject', Resource: obj('photos', 'private/*') })),
        ],
      },
      principals: sameAccount,
    },
    {
      name: 'NotAction Allow and NotAction Deny',
      policies: {
        inline: [
          p('notaction allow', doc({ Effect: 'Allow', NotAction: ['s3:Delete*', 's3:PutBucket*'], Resource: '*' })),
          p('notaction deny', doc({ Effect: 'Deny', NotAction: ['s3:Get*', 's3:List*', 's3:PutObject'], Resource: obj('archive', '*') })),
        ],
      },
      principals: [ALICE],
    },
    {
      name: 'NotResource Allow and NotResource Deny',
      policies: {
        inline: [p('notresource', doc({ Effect: 'Allow', Action: 's3:*', NotResource: [obj('photos', 'private/*'), bkt('archive')] }))],
        managed: [p('managed deny-outside', doc({ Effect: 'Deny', Action: 's3:GetObject', NotResource: [obj('photos', '*')] }))],
      },
      principals: [ALICE],
    },
    {
      name: 'wildcards and case: actions case-insensitive, ARNs case-sensitive',
      policies: {
        inline: [
          p(
            'wild',
            doc(
              { Sid: 'GetStar', Effect: 'Allow', Action: 'S3:GET*', Resource: 'arn:aws:s3:::photo?/alice/*' },
              { Sid: 'Question', Effect: 'Allow', Action: 's3:List?ucket', Resource: 'arn:aws:s3:::*' },
              { Sid: 'UpperArn', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::PHOTOS/*' },
              { Sid: 'AnyBucket', Effect: 'Allow', Action: 's3:*object', Resource: 'arn:aws:s3:::*/bob/*' },
              { Sid: 'Mid', Effect: 'Allow', Action: 's3:Get*Location', Resource: 'arn:aws:s3:::ar*e' },
            ),
          ),
        ],
      },
      principals: [ALICE],
    },
    {
      name: 'groups: inline and managed policies of groups count, and their Deny',
      policies: {
        groups: [
          {
            name: 'readers',
            inline: [p('group readers inline', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))],
            managed: [],
          },
          {
            name: 'writers',
            inline: [],
            managed: [
              p(
                'group writers managed',
                doc({
                  Effect: 'Allow',
                  Action: ['s3:PutObject', 's3:ListBucket'],
                  Resource: ['arn:aws:s3:::photos', 'arn:aws:s3:::photos/*'],
                }),
              ),
              p('group writers deny', doc({ Effect: 'Deny', Action: 's3:*', Resource: obj('photos', 'bob/*') })),
            ],
          },
        ],
      },
      principals: [ALICE],
    },
    {
      name: 'a boundary intersects the identity policies',
      policies: {
        inline: [allowAll],
        boundary: p('boundary read-only', doc({ Sid: 'ReadOnly', Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' })),
      },
      principals: [ALICE],
    },
    {
      name: 'a boundary with a Deny, and identity narrower than the boundary',
      policies: {
        inline: [p('inline photos', doc({ Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::photos', 'arn:aws:s3:::photos/*'] }))],
        boundary: p(
          'boundary',
          doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }),
        ),
      },
      principals: [ALICE],
    },
    {
      name: 'same account: identity and bucket-policy grants are a union',
      policies: {
        inline: [p('inline get', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: obj('photos', 'alice/*') }))],
        bucketPolicy: p(
          'bucket policy of photos',
          doc(
            { Sid: 'AliceList', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 's3:ListBucket', Resource: bkt('photos') },
            { Sid: 'BobPut', Effect: 'Allow', Principal: { AWS: [BOB] }, Action: 's3:PutObject', Resource: obj('photos', '*') },
            { Sid: 'AccountGet', Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:GetObject', Resource: obj('photos', '*') },
            {
              Sid: 'RootDelete',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
              Action: 's3:DeleteObject',
              Resource: obj('photos', '*'),
            },
          ),
        ),
      },
      principals: [ALICE, BOB],
    },
    {
      name: 'same account with a boundary: a grant to the user ARN is not limited by it, one to the account is',
      policies: {
        boundary: p('boundary list-only', doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' })),
        inline: [p('inline get', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))],
        bucketPolicy: p(
          'bucket policy of photos',
          doc(
            { Sid: 'AlicePut', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 's3:PutObject', Resource: obj('photos', '*') },
            { Sid: 'AccountDelete', Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:DeleteObject', Resource: obj('photos', '*') },
            { Sid: 'AllTag', Effect: 'Allow', Principal: '*', Action: 's3:GetObjectTagging', Resource: obj('photos', '*') },
          ),
        ),
      },
      principals: [ALICE, BOB],
    },
    {
      name: 'a bucket-policy Deny: to the account, to "*", to a user',
      policies: {
        inline: [allowAll],
        bucketPolicy: p(
          'bucket policy of photos',
          doc(
            {
              Sid: 'NoDeleteAccount',
              Effect: 'Deny',
              Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
              Action: 's3:DeleteObject',
              Resource: obj('photos', '*'),
            },
            { Sid: 'NoPolicy', Effect: 'Deny', Principal: '*', Action: 's3:*BucketPolicy', Resource: bkt('photos') },
            { Sid: 'NoBobPut', Effect: 'Deny', Principal: { AWS: BOB }, Action: 's3:PutObject', Resource: obj('photos', '*') },
          ),
        ),
      },
      principals: [ALICE, BOB, CAROL],
    },
    {
      name: 'across accounts both sides must allow',
      policies: {
        inline: [p('carol inline', doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 's3:DeleteObject'], Resource: '*' }))],
        bucketPolicy: p(
          'bucket policy of photos',
          doc(
            { Sid: 'Account', Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:GetObject', Resource: obj('photos', 'alice/*') },
            {
              Sid: 'Carol',
              Effect: 'Allow',
              Principal: { AWS: CAROL },
              Action: ['s3:ListBucket', 's3:PutObject'],
              Resource: [bkt('photos'), obj('photos', '*')],
            },
            { Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetBucketLocation', Resource: bkt('photos') },
          ),
        ),
      },
      principals: [CAROL, `arn:aws:iam::${OTHER}:user/dave`, ANONYMOUS],
    },
    {
      name: 'NotPrincipal Deny',
      policies: {
        inline: [allowAll],
        bucketPolicy: p(
          'bucket policy of photos',
          doc(
            {
              Sid: 'OnlyAlice',
              Effect: 'Deny',
              NotPrincipal: { AWS: [ALICE, `arn:aws:iam::${OWNER}:root`] },
              Action: 's3:GetObject',
              Resource: obj('photos', 'private/*'),
            },
            { Sid: 'Carol', Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:GetObject', Resource: obj('photos', '*') },
          ),
        ),
      },
      principals: [ALICE, BOB, CAROL],
    },
    {
      name: 'aws:PrincipalArn, aws:PrincipalAccount and aws:username conditions',
      policies: {
        inline: [allowAll],
        bucketPolicy: p(
          'bucket policy of photos',
          doc(
            {
              Sid: 'OnlyAliceArn',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:DeleteObject',
              Resource: obj('photos', '*'),
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': ALICE } },
            },
            {
              Sid: 'ArnLike',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: obj('photos', '*'),
              Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::*:user/b*` } },
            },
            {
              Sid: 'Account',
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: obj('photos', '*'),
              Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER } },
            },
            {
              Sid: 'NotAccount',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:GetBucketLocation',
              Resource: bkt('photos'),
              Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': OWNER } },
            },
            {
              Sid: 'NotTheRole',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:GetObjectTagging',
              Resource: obj('photos', '*'),
              Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } },
            },
            {
              Sid: 'ArnNotLike',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:ListBucket',
              Resource: bkt('photos'),
              Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${OWNER}:*` } },
            },
          ),
        ),
      },
      principals: [ALICE, BOB, CAROL, ANONYMOUS, SESSION],
    },
    {
      name: '${aws:username} in resources and condition values',
      policies: {
        inline: [
          p(
            'home folders',
            doc(
              { Sid: 'Home', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::photos/${aws:username}/*' },
              {
                Sid: 'ListHome',
                Effect: 'Allow',
                Action: 's3:ListBucket',
                Resource: bkt('photos'),
                Condition: { StringLike: { 's3:prefix': ['${aws:username}/*', '${aws:username}/'] } },
              },
              {
                Sid: 'Exact',
                Effect: 'Allow',
                Action: 's3:DeleteObject',
                Resource: '*',
                Condition: { StringEquals: { 'aws:username': 'bob' } },
              },
              { Sid: 'Escape', Effect: 'Allow', Action: 's3:GetObjectTagging', Resource: 'arn:aws:s3:::photos/${aws:username}${?}x' },
            ),
          ),
        ],
      },
      principals: [ALICE, BOB, SESSION],
    },
    {
      name: 'String operators, IfExists and Null on s3:prefix and s3:delimiter',
      policies: {
        inline: [
          p(
            'listing rules',
            doc(
              {
                Sid: 'Ignore',
                Effect: 'Allow',
                Action: 's3:ListBucket',
                Resource: bkt('photos'),
                Condition: { StringEqualsIgnoreCase: { 's3:prefix': ['ALICE/', ''] } },
              },
              {
                Sid: 'NotLike',
                Effect: 'Allow',
                Action: 's3:ListBucket',
                Resource: bkt('archive'),
                Condition: { StringNotLike: { 's3:prefix': 'alice*' } },
              },
              {
                Sid: 'Delim',
                Effect: 'Deny',
                Action: 's3:ListBucket',
                Resource: bkt('photos'),
                Condition: { StringNotEqualsIfExists: { 's3:delimiter': '/' }, Null: { 's3:prefix': 'false' } },
              },
              {
                Sid: 'NullTrue',
                Effect: 'Allow',
                Action: 's3:ListBucket',
                Resource: bkt('photos'),
                Condition: { Null: { 's3:prefix': 'true' } },
              },
              {
                Sid: 'NotIgnore',
                Effect: 'Deny',
                Action: 's3:ListBucket',
                Resource: bkt('archive'),
                Condition: {
                  StringNotEqualsIgnoreCase: { 's3:prefix': ['BOB/', 'Alice-Evil/'] },
                  StringLikeIfExists: { 's3:prefix': 'a*' },
                },
              },
            ),
          ),
        ],
      },
      principals: [ALICE],
    },
    {
      name: 's3:x-amz-acl and the ownership Deny',
      policies: {
        inline: [allowAll],
        bucketPolicy: p(
          'bucket policy of photos',
          doc(
            {
              Sid: 'Acl',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: obj('photos', '*'),
              Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
            },
            {
              Sid: 'AclExists',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: obj('archive', '*'),
              Condition: { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } },
            },
          ),
        ),
      },
      principals: [ALICE],
    },
    {
      name: 'Bool on aws:SecureTransport, Date on aws:CurrentTime, IpAddress on aws:SourceIp',
      policies: {
        inline: [
          p(
            'network and time',
            doc(
              {
                Sid: 'All',
                Effect: 'Allow',
                Action: 's3:*',
                Resource: '*',
                Condition: {
                  DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
                  DateGreaterThanEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
                },
              },
              { Sid: 'Tls', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
              {
                Sid: 'Office',
                Effect: 'Deny',
                Action: 's3:Delete*',
                Resource: '*',
                Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] } },
              },
              {
                Sid: 'Lab',
                Effect: 'Allow',
                Action: 's3:PutBucketPolicy',
                Resource: '*',
                Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.7/32' } },
              },
              {
                Sid: 'Window',
                Effect: 'Deny',
                Action: 's3:PutObject',
                Resource: '*',
                Condition: {
                  DateGreaterThanIfExists: { 'aws:CurrentTime': '2026-06-01T00:00:00Z' },
                  DateNotEquals: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' },
                },
              },
              // (Epoch seconds are checked in evaluate.test.ts: the simulator reads them as milliseconds.)
              {
                Sid: 'Before',
                Effect: 'Deny',
                Action: 's3:GetObjectTagging',
                Resource: '*',
                Condition: { DateLessThanEquals: { 'aws:CurrentTime': '2020-09-13T12:26:40Z' } },
              },
              {
                Sid: 'TlsIfExists',
                Effect: 'Deny',
                Action: 's3:GetBucketPolicy',
                Resource: '*',
                Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' }, NotIpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } },
              },
              {
                Sid: 'NullIp',
                Effect: 'Deny',
                Action: 's3:AbortMultipartUpload',
                Resource: '*',
                Condition: { Null: { 'aws:SourceIp': 'true' } },
              },
            ),
          ),
        ],
      },
      principals: [ALICE],
      contexts: [
        {},
        { 'aws:SecureTransport': 'true', 'aws:SourceIp': '192.0.2.10', 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
        { 'aws:SecureTransport': 'false', 'aws:SourceIp': '192.0.2.10', 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
        { 'aws:SecureTransport': 'true', 'aws:SourceIp': '203.0.113.9', 'aws:CurrentTime': '2027-01-01T00:00:00Z' },
        { 'aws:SecureTransport': 'true', 'aws:SourceIp': '2001:db8:1::5', 'aws:CurrentTime': '2031-01-01T00:00:00Z' },
        { 'aws:SecureTransport': 'true', 'aws:SourceIp': '198.51.100.7', 'aws:CurrentTime': '2019-06-01T00:00:00Z' },
        { 'aws:SecureTransport': 'true', 'aws:SourceIp': '10.1.2.3', 'aws:CurrentTime': '2026-12-04T00:00:00Z' },
        { 'aws:SecureTransport': 'true', 'aws:SourceIp': '2001:db9::1', 'aws:CurrentTime': '2020-09-13T12:26:40Z' },
      ],
    },
    {
      name: 'a role session: session policy and boundary intersect; a grant to the role is limited by both',
      policies: {
        inline: [allowAll],
        boundary: p('boundary', doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 's3:PutObject'], Resource: '*' })),
        sessionPolicy: p(
          'session policy',
          doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 's3:DeleteObject'], Resource: '*' }),
        ),
        bucketPolicy: p(
          'bucket policy of photos',
          doc({
            Sid: 'Role',
            Effect: 'Allow',
            Principal: { AWS: ROLE },
            Action: ['s3:GetObjectTagging', 's3:DeleteObjectVersion'],
            Resource: obj('photos', '*'),
          }),
        ),
      },
      principals: [SESSION],
    },
    {
      name: 'a role session across accounts: the bucket names the role',
      policies: {
        inline: [allowAll],
        sessionPolicy: p('session policy', doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' })),
        bucketPolicy: p(
          'bucket policy of photos',
          doc({
            Sid: 'Role',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${OTHER}:role/share-role` },
            Action: 's3:*',
            Resource: [bkt('photos'), obj('photos', '*')],
          }),
        ),
      },
      principals: [`arn:aws:sts::${OTHER}:assumed-role/share-role/s1`, `arn:aws:sts::${OTHER}:assumed-role/other-role/s1`],
    },
  ];
}

const MODES: AccessMode[] = ['read-only', 'write-only', 'read-write'];

/** The policies s3-share writes: user policies, the public bucket policy, cross-account grants, assume-only. */
async function s3ShareScenarios(): Promise<Scenario[]> {
  const out: Scenario[] = [];
  for (const mode of MODES) {
    for (const prefix of [undefined, 'alice/']) {
      for (const buckets of [['photos'], ['photos', 'archive']]) {
        const { document } = await renderPolicy({ buckets, mode, prefix });
        out.push({
          name: `renderPolicy ${mode} prefix ${prefix ?? '(none)'} ${buckets.join('+')}`,
          policies: { inline: [p(`user alice inline s3-share.${mode}`, document)] },
          principals: [ALICE],
        });
      }
      for (const [grantee, principals] of [
        [OTHER, [CAROL]],
        [CAROL, [CAROL, `arn:aws:iam::${OTHER}:user/dave`]],
      ] as const) {
        for (const requireBucketOwnerFullControl of mode === 'read-only' ? [false] : [false, true]) {
          const statements = grantStatements({
            bucket: 'photos',
            principal: parseAccountPrincipal(grantee),
            mode,
            prefix,
            requireBucketOwnerFullControl,
          });
          out.push({
            name: `grantStatements ${mode} to ${grantee} prefix ${prefix ?? '(none)'}${requireBucketOwnerFullControl ? ' owner ACL' : ''}`,
            policies: {
              inline: [p('carol inline allow-all', doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }))],
              bucketPolicy: p('bucket policy of photos', doc(...statements)),
            },
            principals: [...principals],
          });
        }
      }
    }
  }
  out.push({
    name: 'publicBucketPolicy',
    policies: { bucketPolicy: p('bucket policy of photos', publicBucketPolicy('photos')) },
    principals: [ANONYMOUS, ALICE, CAROL],
  });
  out.push({
    name: 'publicBucketPolicy, the other account with its own grant',
    policies: { inline: [allowAll], bucketPolicy: p('bucket policy of photos', publicBucketPolicy('photos')) },
    principals: [CAROL],
  });
  const assumeProbes: Probe[] = [
    { action: 'sts:AssumeRole', resource: ROLE },
    { action: 'sts:AssumeRole', resource: `arn:aws:iam::${OWNER}:role/other-role` },
    { action: 's3:GetObject', resource: obj('photos', 'alice/x.txt') },
  ];
  for (const [name, trust] of [
    ['account trust', accountTrustPolicy('aws', OWNER)],
    ['user-only trust', userOnlyTrustPolicy('aws', OWNER, ALICE)],
  ] as const) {
    out.push({
      name: `assumeOnlyPolicy with the ${name} policy`,
      policies: { inline: [p('user alice inline assume-only', assumeOnlyPolicy(ROLE))], bucketPolicy: p(`trust policy (${name})`, trust) },
      principals: [ALICE, BOB],
      probes: assumeProbes,
    });
  }
  return out;
}

export interface MatrixEntry {
  scenario: string;
  request: AccessRequest;
  policies: PolicySet;
}

export async function buildMatrix(): Promise<MatrixEntry[]> {
  const scenarios = [...constructScenarios(), ...(await s3ShareScenarios())];
  const out: MatrixEntry[] = [];
  for (const s of scenarios) {
    for (const principal of s.principals) {
      for (const probe of s.probes ?? S3_PROBES) {
        for (const extra of s.contexts ?? [{}]) {
          const context = { ...(probe.context ?? {}), ...extra };
          out.push({
            scenario: s.name,
            policies: s.policies,
            request: {
              principal,
              action: probe.action,
              resource: probe.resource,
              resourceAccount: OWNER,
              ...(Object.keys(context).length ? { context } : {}),
            },
          });
        }
      }
    }
  }
  return out;
}
