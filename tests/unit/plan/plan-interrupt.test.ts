// SIGINT/SIGTERM during a plan: the step in flight finishes, then everything the run created is
// undone, newest first, and the run ends with exit code 130 (143 for SIGTERM).
import { InterruptedError } from '../../../src/errors';
import { executePlan, step, type Plan } from '../../../src/services/plan';

function plan(log: string[], onStep: (i: number) => void): Plan {
  return {
    steps: ['bucket', 'user', 'key'].map((name, i) =>
      step<string>({
        service: 'iam',
        operation: `Create${name}`,
        description: `create ${name}`,
        input: {},
        run: async () => {
          onStep(i);
          await new Promise((r) => setTimeout(r, 1));
          log.push(`create ${name}`);
          return name;
        },
        undo: (id) => ({ description: `delete ${id}`, run: async () => void log.push(`delete ${id}`) }),
      }),
    ),
  };
}

const reporter = { info() {}, warn() {} };

describe('executePlan interrupted', () => {
  it.each([
    [0, ['create bucket', 'delete bucket']],
    [1, ['create bucket', 'create user', 'delete user', 'delete bucket']],
    [2, ['create bucket', 'create user', 'create key', 'delete key', 'delete user', 'delete bucket']],
  ])('a signal during step %i lets it finish, then undoes everything newest first', async (at, expected) => {
    const log: string[] = [];
    const controller = new AbortController();
    const run = executePlan(
      plan(log, (i) => i === at && controller.abort('SIGINT')),
      { reporter, signal: controller.signal },
    );
    const err = await run.catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(130);
    expect(err.message).toMatch(/^interrupted by SIGINT; rolled back: /);
    expect(log).toEqual(expected);
  });

  it('SIGTERM before any step creates nothing and exits 143', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    controller.abort('SIGTERM');
    const err = await executePlan(
      plan(log, () => {}),
      { reporter, signal: controller.signal },
    ).catch((e) => e);
    expect(err.exitCode).toBe(143);
    expect(err.message).toBe('interrupted by SIGTERM; nothing had been created');
    expect(log).toEqual([]);
  });

  it('runs to the end when no signal comes', async () => {
    const log: string[] = [];
    await executePlan(
      plan(log, () => {}),
      { reporter, signal: new AbortController().signal },
    );
    expect(log).toEqual(['create bucket', 'create user', 'create key']);
  });
});
