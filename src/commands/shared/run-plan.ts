import { formatObject } from '../../output/records';
import type { Reporter } from '../../output/reporter';
import type { Plan, PlanResults } from '../../services/plan';
import type { CliIo } from '../../io';

/** What a plan shows on stdout besides its steps. */
export interface PlanOutput {
  /**
   * The plan's outcome as one JSON object (grant-account, revoke-account): printed once the plan
   * has run; a dry run prints it with DryRun and Plan (the steps) added, and names each step on
   * stderr. Without it, a dry run prints the steps alone and a run prints nothing.
   */
  result?: object;
  /** Said instead of running a plan with no steps: why there is nothing to do. */
  unchanged?: string;
}

/**
 * The one way a mutating command acts on its plan: with --dry-run, print it and change nothing;
 * otherwise run it, rolling back on failure or on SIGINT/SIGTERM.
 * Returns undefined when nothing ran (a dry run, or nothing to change).
 */
export async function runPlan(
  plan: Plan,
  opts: { dryRun?: boolean; nl?: boolean },
  io: CliIo,
  reporter: Reporter,
  output: PlanOutput = {},
): Promise<PlanResults | undefined> {
  const { executePlan, printablePlan } = await import('../../services/plan');
  const { result, unchanged } = output;
  const print = (value: unknown) => io.stdout.write(formatObject(value, opts.nl));
  if (plan.steps.length === 0 && unchanged !== undefined) {
    reporter.info(unchanged);
    if (result) print(opts.dryRun ? { ...result, DryRun: true, Plan: [] } : result);
    return undefined;
  }
  if (opts.dryRun) {
    const steps = printablePlan(plan);
    if (result) {
      for (const s of steps) reporter.info(`would ${s.description}`);
      print({ ...result, DryRun: true, Plan: steps });
    } else {
      print(steps);
    }
    reporter.info(`dry run: ${plan.steps.length} step(s) planned, nothing was changed`);
    return undefined;
  }
  io.interrupts.handle();
  const results = await executePlan(plan, { reporter, signal: io.interrupts.signal });
  if (result) print(result);
  return results;
}
