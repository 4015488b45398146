/**
 * The access evaluator against the IAM policy simulator over a generated matrix: every construct
 * the evaluator claims, and every policy s3-share writes, crossed with S3 requests. Where every
 * context key is one the evaluator resolves, the two must agree exactly (and Conditional is never
 * an answer).
 */
import { evaluate } from '../../../../src/policies/access';
import { simulate, type Verdict } from './oracle';
import { buildMatrix, type MatrixEntry } from './scenarios';

function verdictOf(entry: MatrixEntry): string {
  const answer = evaluate(entry.request, entry.policies);
  if (answer.decision === 'Allow') return 'Allowed';
  if (answer.decision === 'Deny') return answer.explicit ? 'ExplicitlyDenied' : 'ImplicitlyDenied';
  return `Conditional(${(answer.unresolvedKeys ?? []).join(',')})`;
}

const describeEntry = (e: MatrixEntry) =>
  `${e.scenario}: ${e.request.principal ?? 'anonymous'} ${e.request.action} ${e.request.resource}${e.request.context ? ` ${JSON.stringify(e.request.context)}` : ''}`;

describe('the access evaluator agrees with the IAM simulator', () => {
  let matrix: MatrixEntry[];
  const counts: Record<Verdict, number> = { Allowed: 0, ImplicitlyDenied: 0, ExplicitlyDenied: 0 };

  beforeAll(async () => {
    matrix = await buildMatrix();
  });

  it('over a generated matrix of 4,412 requests (at least 2,000)', async () => {
    const wrong: string[] = [];
    for (const entry of matrix) {
      const want = await simulate(entry.request, entry.policies);
      counts[want] += 1;
      const got = verdictOf(entry);
      if (got !== want) wrong.push(`${describeEntry(entry)}: simulator ${want}, evaluator ${got}`);
    }
    expect(wrong.slice(0, 30)).toEqual([]);
    expect(wrong).toHaveLength(0);
    // The size and spread of the matrix: a floor, and the exact figures so a change shows.
    expect(matrix.length).toBeGreaterThanOrEqual(2000);
    expect(Math.min(counts.Allowed, counts.ImplicitlyDenied, counts.ExplicitlyDenied)).toBeGreaterThan(100);
    expect({ requests: matrix.length, ...counts }).toEqual({
      requests: 4412,
      Allowed: 1316,
      ImplicitlyDenied: 2886,
      ExplicitlyDenied: 210,
    });
  });

  it('covers every construct the evaluator claims', () => {
    const seen = new Set<string>();
    const note = (what: string) => seen.add(what);
    for (const { policies, request } of matrix) {
      note(request.principal === undefined ? 'anonymous' : request.principal.includes(':assumed-role/') ? 'role session' : 'user');
      note(request.principal?.split(':')[4] === request.resourceAccount ? 'same account' : 'other account');
      if (policies.boundary) note('boundary');
      if (policies.sessionPolicy) note('session policy');
      if (policies.groups?.some((g) => g.inline.length) && policies.groups.some((g) => g.managed.length)) note('group inline and managed');
      if (policies.managed?.length) note('managed');
      const documents = [
        ...(policies.inline ?? []),
        ...(policies.managed ?? []),
        ...(policies.groups ?? []).flatMap((g) => [...g.inline, ...g.managed]),
        policies.boundary,
        policies.sessionPolicy,
        policies.bucketPolicy,
      ];
      for (const d of documents) {
        for (const st of (d?.document as { Statement?: Record<string, unknown>[] } | undefined)?.Statement ?? []) {
          for (const field of ['NotAction', 'NotResource', 'NotPrincipal']) if (st[field] !== undefined) note(field);
          if (st.Effect === 'Deny') note('Deny');
          const text = JSON.stringify([st.Action, st.Resource]);
          if (/\?/.test(text)) note('? wildcard');
          if (/[A-Z]/.test(JSON.stringify(st.Action))) note('upper-case action');
          if (text.includes('${aws:username}')) note('${aws:username} in resource');
          const principal = st.Principal;
          const entries =
            principal === '*' ? ['"*"'] : ([] as string[]).concat((principal as { AWS?: string | string[] } | undefined)?.AWS ?? []);
          for (const e of entries)
            note(
              e === '"*"'
                ? 'Principal "*"'
                : e === '*'
                  ? 'Principal AWS *'
                  : /^\d{12}$/.test(e)
                    ? 'Principal bare account'
                    : e.endsWith(':root')
                      ? 'Principal root'
                      : e.includes(':role/')
                        ? 'Principal role'
                        : 'Principal user',
            );
          for (const [operator, block] of Object.entries((st.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
            note(operator);
            for (const [key, value] of Object.entries(block)) {
              note(key.toLowerCase());
              if (JSON.stringify(value).includes('${aws:username}')) note('${aws:username} in condition');
            }
          }
        }
      }
    }
    const required = [
      ...[
        'anonymous',
        'role session',
        'user',
        'same account',
        'other account',
        'boundary',
        'session policy',
        'group inline and managed',
        'managed',
      ],
      ...[
        'NotAction',
        'NotResource',
        'NotPrincipal',
        'Deny',
        '? wildcard',
        'upper-case action',
        '${aws:username} in resource',
        '${aws:username} in condition',
      ],
      ...['Principal "*"', 'Principal AWS *', 'Principal bare account', 'Principal root', 'Principal role', 'Principal user'],
      ...['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
      ...['StringEqualsIfExists', 'StringNotEqualsIfExists', 'StringLikeIfExists', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
      ...[
        'Bool',
        'BoolIfExists',
        'DateLessThan',
        'DateLessThanEquals',
        'DateGreaterThanEquals',
        'DateGreaterThanIfExists',
        'DateNotEquals',
      ],
      ...['IpAddress', 'NotIpAddress', 'NotIpAddressIfExists', 'Null'],
      ...[
        's3:prefix',
        's3:delimiter',
        's3:x-amz-acl',
        'aws:securetransport',
        'aws:sourceip',
        'aws:principalarn',
        'aws:principalaccount',
        'aws:username',
        'aws:currenttime',
      ],
    ];
    expect(required.filter((r) => !seen.has(r))).toEqual([]);
  });
});
