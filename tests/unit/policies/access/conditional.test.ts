/**
 * Keys and operators the evaluator does not resolve: the answer is Conditional, naming the key,
 * whenever the key can change the outcome, and never an Allow or Deny that some value of the key
 * would contradict. The simulator is asked with the key absent and with values that do and do not
 * match; the evaluator is asked once, without knowing it.
 */
import { evaluate, type AccessRequest, type PolicySet } from '../../../../src/policies/access';
import type { Statement } from '../../../../src/policies/documents';
import { simulate, type Verdict } from './oracle';
import { ALICE, CAROL, OWNER, S3_PROBES } from './scenarios';

const doc = (...Statement: Statement[]) => ({ Version: '2012-10-17', Statement });
const allowAll: Statement = { Sid: 'All', Effect: 'Allow', Action: 's3:*', Resource: '*' };

interface UnknownCase {
  name: string;
  key: string;
  /** Values for the key: the first matches the condition, the second does not. */
  values: [string, string];
  policies: PolicySet;
  principals?: string[];
}

const CASES: UnknownCase[] = [
  {
    name: 'an Allow on aws:RequestedRegion',
    key: 'aws:RequestedRegion',
    values: ['eu-west-1', 'us-east-1'],
    policies: {
      inline: [
        {
          label: 'regional',
          document: doc({
            Sid: 'Region',
            Effect: 'Allow',
            Action: 's3:Get*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
          }),
        },
      ],
    },
  },
  {
    name: 'a Deny on aws:userid next to a plain Allow',
    key: 'aws:userid',
    values: ['AIDAEXAMPLE', 'AIDAOTHER'],
    policies: {
      inline: [
        {
          label: 'all',
          document: doc(allowAll, {
            Sid: 'NotMe',
            Effect: 'Deny',
            Action: 's3:Delete*',
            Resource: '*',
            Condition: { StringNotEquals: { 'aws:userid': 'AIDAEXAMPLE' } },
          }),
        },
      ],
    },
  },
  {
    name: 'an Allow on an object tag, with a known Deny and a known Allow that decide some requests anyway',
    key: 's3:ExistingObjectTag/team',
    values: ['blue', 'red'],
    policies: {
      inline: [
        {
          label: 'tags',
          document: doc(
            {
              Sid: 'Tagged',
              Effect: 'Allow',
              Action: 's3:GetObject',
              Resource: '*',
              Condition: { StringEquals: { 's3:ExistingObjectTag/team': 'blue' } },
            },
            { Sid: 'Private', Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/private/*' },
            { Sid: 'Alice', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/alice/*' },
          ),
        },
      ],
    },
  },
  {
    name: 'a ${aws:userid} variable in a resource',
    key: 'aws:userid',
    values: ['alice', 'AIDAOTHER'],
    policies: {
      inline: [
        {
          label: 'home by id',
          document: doc({ Sid: 'Home', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::photos/${aws:userid}/*' }),
        },
      ],
    },
  },
  {
    name: 'a bucket-policy Allow to another account on aws:SourceVpce',
    key: 'aws:SourceVpce',
    values: ['vpce-1a2b3c4d', 'vpce-99999999'],
    principals: [CAROL, ALICE],
    policies: {
      inline: [{ label: 'all', document: doc(allowAll) }],
      bucketPolicy: {
        label: 'bucket policy of photos',
        document: doc({
          Sid: 'Vpce',
          Effect: 'Allow',
          Principal: { AWS: '222222222222' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
          Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
        }),
      },
    },
  },
  {
    name: 'a boundary with a condition on aws:MultiFactorAuthPresent',
    key: 'aws:MultiFactorAuthPresent',
    values: ['true', 'false'],
    policies: {
      inline: [{ label: 'get', document: doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }) }],
      boundary: {
        label: 'boundary mfa',
        document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
      },
    },
  },
];

const vary = (request: AccessRequest, key: string, value: string | undefined): AccessRequest => {
  const { [key]: _dropped, ...rest } = request.context ?? {};
  return { ...request, context: value === undefined ? rest : { ...rest, [key]: value } };
};

describe('keys the evaluator does not resolve make the answer Conditional, never a silent Allow or Deny', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const wrong: string[] = [];
    let conditional = 0;
    let decided = 0;
    for (const principal of c.principals ?? [ALICE]) {
      for (const probe of S3_PROBES) {
        const request: AccessRequest = {
          principal,
          action: probe.action,
          resource: probe.resource,
          resourceAccount: OWNER,
          ...(probe.context ? { context: probe.context } : {}),
        };
        const verdicts = new Set<Verdict>();
        for (const value of [undefined, ...c.values]) verdicts.add(await simulate(vary(request, c.key, value), c.policies));
        const allowedSometimes = verdicts.has('Allowed');
        const deniedSometimes = verdicts.has('ImplicitlyDenied') || verdicts.has('ExplicitlyDenied');
        const answer = evaluate(request, c.policies);
        const where = `${principal} ${probe.action} ${probe.resource} ${JSON.stringify(probe.context ?? {})}: simulator ${[...verdicts].join('/')}`;
        if (allowedSometimes && deniedSometimes) {
          if (answer.decision !== 'Conditional' || !answer.unresolvedKeys?.includes(c.key))
            wrong.push(`${where}, evaluator ${answer.decision} ${answer.unresolvedKeys ?? ''}`);
          conditional += 1;
        } else {
          if (answer.decision === (allowedSometimes ? 'Deny' : 'Allow')) wrong.push(`${where}, evaluator ${answer.decision}`);
          decided += 1;
        }
      }
    }
    expect(wrong).toEqual([]);
    // Each case has requests the key decides and requests it does not.
    expect(conditional).toBeGreaterThan(0);
    expect(decided).toBeGreaterThan(0);
  });

  it('an operator it does not evaluate is named like a key: ForAnyValue:StringLike on s3:prefix', () => {
    const policies: PolicySet = {
      inline: [
        {
          label: 'set operator',
          document: doc({
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: '*',
            Condition: { 'ForAnyValue:StringLike': { 's3:prefix': 'alice/*' } },
          }),
        },
      ],
    };
    const answer = evaluate(
      {
        principal: ALICE,
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::photos',
        resourceAccount: OWNER,
        context: { 's3:prefix': 'alice/x' },
      },
      policies,
    );
    expect(answer).toEqual({
      decision: 'Conditional',
      unresolvedKeys: ['s3:prefix'],
      reasons: [{ policy: 'set operator', statement: 'statement 1', effect: 'Allow' }],
    });
  });

  it('a Conditional Deny next to an Allow names the Deny statement', () => {
    const answer = evaluate(
      { principal: ALICE, action: 's3:DeleteObject', resource: 'arn:aws:s3:::photos/a', resourceAccount: OWNER },
      CASES[1].policies,
    );
    expect(answer).toEqual({
      decision: 'Conditional',
      unresolvedKeys: ['aws:userid'],
      reasons: [
        { policy: 'all', statement: 'statement 1 (Sid All)', effect: 'Allow' },
        { policy: 'all', statement: 'statement 2 (Sid NotMe)', effect: 'Deny' },
      ],
    });
  });
});
