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

  it('over a generated matrix of at least 2,000 requests', async () => {
    const wrong: string[] = [];
    for (const entry of matrix) {
      const want = await simulate(entry.request, entry.policies);
      counts[want] += 1;
      const got = verdictOf(entry);
      if (got !== want) wrong.push(`${describeEntry(entry)}: simulator ${want}, evaluator ${got}`);
    }
    expect(wrong.slice(0, 30)).toEqual([]);
    expect(wrong).toHaveLength(0);
    // The size and spread of the matrix, visible in the output and held to a floor.
    expect({ requests: matrix.length, ...counts }).toEqual({
      requests: expect.any(Number),
      Allowed: expect.any(Number),
      ImplicitlyDenied: expect.any(Number),
      ExplicitlyDenied: expect.any(Number),
    });
    expect(matrix.length).toBeGreaterThanOrEqual(2000);
    expect(Math.min(counts.Allowed, counts.ImplicitlyDenied, counts.ExplicitlyDenied)).toBeGreaterThan(100);
    process.stderr.write(`access evaluator matrix: ${matrix.length} requests, ${JSON.stringify(counts)}\n`);
  });
});
