/**
 * s3-share's own access evaluator (src/policies/access, which explains who can reach what) on the
 * policies several --prefix values produce, against the IAM policy simulator: the folded s3:prefix
 * lists and the object ARN lists must be read the same way by both.
 */
import { evaluate, type AccessRequest } from '../../../src/policies/access';
import { renderPolicy, type AccessMode } from '../../../src/policies/templates';
import { simulate } from './access/oracle';

const ACCOUNT = '123456789012';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/alice`;

const requests = (bucket: string): Array<Omit<AccessRequest, 'principal' | 'resourceAccount'>> => [
  ...['alice/x', 'team/shared/y', 'team/shared/deep/z', 'alice-evil/x', 'team/shared-x/y', 'team/y', 'top.txt'].flatMap((key) =>
    ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'].map((action) => ({ action, resource: `arn:aws:s3:::${bucket}/${key}` })),
  ),
  ...[undefined, '', 'alice/', 'alice', 'alice-evil/', 'team/', 'team/shared/', 'team/shared', 'team/shared/deep/'].map((prefix) => ({
    action: 's3:ListBucket',
    resource: `arn:aws:s3:::${bucket}`,
    ...(prefix === undefined ? {} : { context: { 's3:prefix': prefix } }),
  })),
  { action: 's3:GetBucketLocation', resource: `arn:aws:s3:::${bucket}` },
];

describe.each<AccessMode>(['read-only', 'write-only', 'read-write'])('%s with two folders on two buckets', (mode) => {
  it('the evaluator and the simulator agree on every request, and some are allowed', async () => {
    const { document } = await renderPolicy({ buckets: ['photos', 'videos'], mode, prefixes: ['alice/', 'team/shared/'] });
    const policies = { inline: [{ label: 'inline s3-share', document }] };
    const wrong: string[] = [];
    let allowed = 0;
    for (const r of ['photos', 'videos', 'other'].flatMap(requests)) {
      const request: AccessRequest = { ...r, principal: PRINCIPAL, resourceAccount: ACCOUNT };
      const want = await simulate(request, policies);
      const answer = evaluate(request, policies);
      const got =
        answer.decision === 'Allow'
          ? 'Allowed'
          : answer.decision === 'Deny'
            ? answer.explicit
              ? 'ExplicitlyDenied'
              : 'ImplicitlyDenied'
            : 'Conditional';
      if (want === 'Allowed') allowed++;
      if (got !== want) wrong.push(`${r.action} ${r.resource} ${JSON.stringify(r.context ?? {})}: simulator ${want}, evaluator ${got}`);
    }
    expect(wrong).toEqual([]);
    expect(allowed).toBeGreaterThan(5);
  });
});
