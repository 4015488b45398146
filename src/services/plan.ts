/**
 * Plan, then act. A mutating command first builds a Plan: an ordered list of steps, each one AWS
 * call with a printable description of its input. The same structure serves --dry-run (print the
 * plan, call nothing), progress on stderr, rollback (every step that creates something says how to
 * undo it) and tests (assert on the plan without any AWS at all).
 *
 * Secrets never enter a step's printable `input`: the call itself is a closure (`run`) that may
 * hold them, and only `input` is ever printed.
 */
import { describeAwsError, errorCode, isAwsError } from '../aws/errors';
import { InterruptedError, OperationError } from '../errors';
import type { Reporter } from '../output/reporter';

/** Where a step acts: an AWS service, or 'local' for the machine itself (delivering credentials). */
export type AwsService = 'iam' | 's3' | 'sts' | 'local';

/** The call that takes back what a step created. */
export interface UndoAction {
  /** "delete user alice", for the rollback report. */
  description: string;
  run(): Promise<unknown>;
}

export interface PlanStep<R = unknown> {
  service: AwsService;
  /** The API operation, e.g. CreateUser. */
  operation: string;
  /** One line for people: "create IAM user alice". */
  description: string;
  /** The call's arguments as printed by --dry-run: policy documents included, secrets never. */
  input: Record<string, unknown>;
  /** Makes the call; its result is kept under `id` for later steps and the caller. */
  run(results: PlanResults): Promise<R>;
  /** When the step creates or changes something, how to take it back (given what the call returned). */
  undo?(result: R): UndoAction | undefined;
  /** A name for the result, read with results.get(id). */
  id?: string;
}

export interface Plan {
  steps: PlanStep[];
}

/** What each step with an id returned. */
export class PlanResults {
  private readonly values = new Map<string, unknown>();
  set(id: string, value: unknown): void {
    this.values.set(id, value);
  }
  get<T>(id: string): T {
    if (!this.values.has(id)) throw new Error(`plan step '${id}' has not run`);
    return this.values.get(id) as T;
  }
  has(id: string): boolean {
    return this.values.has(id);
  }
}

/** Builds a step with its result type kept, so `undo` sees what `run` returns. */
export function step<R>(s: PlanStep<R>): PlanStep {
  return s as unknown as PlanStep;
}

/** The printable form of a step: what --dry-run prints. */
export interface PrintedStep {
  service: AwsService;
  operation: string;
  input: Record<string, unknown>;
  description: string;
}

export function printablePlan(plan: Plan): PrintedStep[] {
  return plan.steps.map(({ service, operation, input, description }) => ({ service, operation, input, description }));
}

export interface ExecuteOptions {
  reporter: Reporter;
  /** Aborted by SIGINT/SIGTERM: the plan stops at the next step boundary and rolls back. */
  signal?: AbortSignal;
}

/**
 * Runs the steps in order, reporting each. When a step fails, undoes what the earlier steps
 * created, newest first, reports each undo, and throws an OperationError whose one line is the
 * original error followed by what was rolled back (or what could not be, for the user to remove).
 *
 * An abort is honoured between steps, never inside one: the call in flight is let finish so that
 * what it created is known and undone too. It throws an InterruptedError (exit 130/143).
 */
export async function executePlan(plan: Plan, { reporter, signal }: ExecuteOptions): Promise<PlanResults> {
  const results = new PlanResults();
  const undos: UndoAction[] = [];
  for (const s of plan.steps) {
    if (signal?.aborted) throw await interrupted(signal, undos, reporter);
    reporter.info(`${s.description} (${s.service}:${s.operation})`);
    let result: unknown;
    try {
      result = await s.run(results);
    } catch (err) {
      throw await rollBack(err, s, undos, reporter);
    }
    if (s.id) results.set(s.id, result);
    const undo = s.undo?.(result);
    if (undo) undos.push(undo);
  }
  if (signal?.aborted) throw await interrupted(signal, undos, reporter);
  return results;
}

async function interrupted(signal: AbortSignal, undos: UndoAction[], reporter: Reporter): Promise<Error> {
  const name = typeof signal.reason === 'string' ? signal.reason : 'SIGINT';
  const code = name === 'SIGTERM' ? 143 : 130;
  if (undos.length) reporter.warn(`interrupted by ${name}: rolling back what this run created`);
  return new InterruptedError(`interrupted by ${name}; ${await undoAll(undos, reporter)}`, code);
}

async function rollBack(err: unknown, failed: PlanStep, undos: UndoAction[], reporter: Reporter): Promise<Error> {
  const reason = isAwsError(err) ? describeAwsError(err) : err instanceof Error ? err.message : String(err);
  if (undos.length) reporter.warn(`${failed.description} failed: rolling back what this run created`);
  return wrap(err, `${failed.description} failed: ${reason}; ${await undoAll(undos, reporter)}`);
}

/** Undoes newest first and says, in one clause, what was rolled back and what could not be. */
async function undoAll(undos: UndoAction[], reporter: Reporter): Promise<string> {
  if (undos.length === 0) return 'nothing had been created';
  const undone: string[] = [];
  const left: string[] = [];
  for (const undo of [...undos].reverse()) {
    try {
      await undo.run();
      undone.push(undo.description);
      reporter.info(`rolled back: ${undo.description}`);
    } catch (undoErr) {
      left.push(undo.description);
      const why = isAwsError(undoErr) ? describeAwsError(undoErr) : (undoErr as Error).message;
      reporter.warn(`could not ${undo.description}: ${why}`);
    }
  }
  return left.length
    ? `rolled back ${undone.length ? undone.join(', ') : 'nothing'}; COULD NOT ${left.join(', ')}: do that yourself`
    : `rolled back: ${undone.join(', ')}`;
}

function wrap(err: unknown, message: string): Error {
  const code = isAwsError(err) ? errorCode(err) : undefined;
  const wrapped = new OperationError(message, code);
  (wrapped as Error & { cause?: unknown }).cause = err;
  return wrapped;
}
