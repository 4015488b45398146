import type { Reporter } from '../../output/reporter';
import type { Plan, PlanResults } from '../../services/plan';
import type { CliIo } from '../../io';

/**
 * The one way a mutating command acts on its plan: with --dry-run, print it (JSON on stdout) and
 * change nothing; otherwise run it, rolling back on failure or on SIGINT/SIGTERM.
 * Returns undefined after a dry run.
 */
export async function runPlan(plan: Plan, opts: { dryRun?: boolean }, io: CliIo, reporter: Reporter): Promise<PlanResults | undefined> {
  const { executePlan, printablePlan } = await import('../../services/plan');
  if (opts.dryRun) {
    io.stdout.write(JSON.stringify(printablePlan(plan), null, 2) + '\n');
    reporter.info(`dry run: ${plan.steps.length} step(s) planned, nothing was changed`);
    return undefined;
  }
  io.interrupts.handle();
  return executePlan(plan, { reporter, signal: io.interrupts.signal });
}
