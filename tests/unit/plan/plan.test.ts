// The plan engine: steps run in order, and a failure undoes exactly what earlier steps created,
// newest first, then reports it in one error line.
import { OperationError } from '../../../src/errors';
import { executePlan, printablePlan, step, type Plan } from '../../../src/services/plan';

function recordingPlan(failAt: number, log: string[]): Plan {
  const names = ['bucket', 'user', 'policy', 'key'];
  return {
    steps: names.map((name, i) =>
      step<string>({
        service: 'iam',
        operation: `Create${name}`,
        description: `create ${name}`,
        input: { name },
        id: name,
        run: async () => {
          if (i === failAt) throw Object.assign(new Error(`${name} refused`), { name: 'AccessDenied', $metadata: {} });
          log.push(`create ${name}`);
          return `${name}-id`;
        },
        // the policy step changes nothing that needs undoing (as a refreshed policy would)
        undo: name === 'policy' ? undefined : (id) => ({ description: `delete ${id}`, run: async () => void log.push(`delete ${id}`) }),
      }),
    ),
  };
}

const reporter = () => {
  const lines: string[] = [];
  return { lines, info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(`warning: ${m}`) };
};

describe('executePlan', () => {
  it('runs every step in order and keeps results by id', async () => {
    const log: string[] = [];
    const r = reporter();
    const results = await executePlan(recordingPlan(-1, log), { reporter: r });
    expect(log).toEqual(['create bucket', 'create user', 'create policy', 'create key']);
    expect(results.get('key')).toBe('key-id');
    expect(r.lines).toEqual([
      'create bucket (iam:Createbucket)',
      'create user (iam:Createuser)',
      'create policy (iam:Createpolicy)',
      'create key (iam:Createkey)',
    ]);
  });

  it.each([
    [0, [], /nothing had been created/],
    [1, ['delete bucket-id'], /rolled back: delete bucket-id$/],
    [2, ['delete user-id', 'delete bucket-id'], /rolled back: delete user-id, delete bucket-id$/],
    [3, ['delete user-id', 'delete bucket-id'], /rolled back: delete user-id, delete bucket-id$/],
  ])('a failure at step %d undoes exactly the earlier creations, newest first', async (failAt, undone, message) => {
    const log: string[] = [];
    const err = await executePlan(recordingPlan(failAt, log), { reporter: reporter() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).code).toBe('AccessDenied');
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/^create \w+ failed: access denied/);
    expect(log.filter((l) => l.startsWith('delete'))).toEqual(undone);
    expect(log.filter((l) => l.startsWith('create'))).toHaveLength(failAt);
  });

  it('says what it could not undo', async () => {
    const plan: Plan = {
      steps: [
        step<string>({
          service: 's3',
          operation: 'CreateBucket',
          description: 'create b',
          input: {},
          run: async () => 'b',
          undo: () => ({ description: 'delete b', run: async () => Promise.reject(new Error('busy')) }),
        }),
        step<string>({
          service: 'iam',
          operation: 'CreateUser',
          description: 'create u',
          input: {},
          run: async () => Promise.reject(new Error('no')),
        }),
      ],
    };
    const r = reporter();
    await expect(executePlan(plan, { reporter: r })).rejects.toThrow(
      /create u failed: no; rolled back nothing; COULD NOT delete b: do that yourself/,
    );
    expect(r.lines).toContain('warning: could not delete b: busy');
  });

  it('prints only service, operation, input and description', () => {
    const printed = printablePlan(recordingPlan(-1, []));
    expect(printed[0]).toEqual({ service: 'iam', operation: 'Createbucket', input: { name: 'bucket' }, description: 'create bucket' });
  });
});
