/**
 * A rate cap for mutating IAM calls: call starts are spaced 1/rate seconds apart. IAM throttles
 * writes per account; going no faster than the cap keeps most calls from being throttled at all,
 * and the SDK's adaptive retry (below this gate, in the client's retry middleware) absorbs the rest.
 */

/** Resolves when the next call may start. */
export type RateGate = () => Promise<void>;

export function createRateGate(perSecond: number, now: () => number = Date.now): RateGate {
  const gap = 1000 / perSecond;
  let next = 0;
  return async () => {
    const t = now();
    const at = Math.max(t, next);
    next = at + gap;
    if (at > t) await new Promise((resolve) => setTimeout(resolve, at - t));
  };
}

const READS = /^(Get|List)/;

interface MiddlewareClient {
  middlewareStack: {
    add(
      mw: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      opts: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Puts every mutating command of the client (all but Get* and List*) behind the gate. By the
 * command's name as the SDK reports it, since a bundled build renames classes.
 */
export function gateWrites<C>(client: C, gate: RateGate): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      if (!READS.test(context.commandName ?? '')) await gate();
      return next(args);
    },
    { step: 'initialize', name: 's3ShareWriteRate' },
  );
  return client;
}
