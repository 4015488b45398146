/**
 * Bounded concurrency for AWS calls. A limiter caps how many requests are in flight at once (what
 * throttling cares about); mapOrdered runs work on items from an async source with a window of
 * tasks, yielding results in input order as soon as each is ready.
 */

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  // A finishing task hands its slot straight to the next waiter; freeing it first would let a
  // newcomer take it in between and push the count over the limit.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/**
 * Applies fn to each item with at most `window` items started but not yet yielded, and yields
 * results in the order of the source. The first failure stops new work and is thrown.
 */
export async function* mapOrdered<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  window: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  const iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]()) as
    AsyncIterator<T> | Iterator<T>;
  let done = false;
  try {
    while (true) {
      while (!done && pending.length < window) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        const p = fn(next.value);
        // Failures surface when awaited in order; meanwhile keep them from being "unhandled".
        p.catch(() => {});
        pending.push(p);
      }
      const head = pending.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    await Promise.allSettled(pending);
  }
}

/**
 * Runs fn on each item with at most `limit` running at once, and resolves when all have settled.
 * fn must not reject: each caller records its own per-item outcome. `stopped` is asked before each
 * new item; once it says true no further item starts (those running still finish).
 */
export async function forEachBounded<T>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  const running = new Set<Promise<void>>();
  for (const item of items) {
    if (stopped()) break;
    const tracked: Promise<void> = fn(item).finally(() => running.delete(tracked));
    running.add(tracked);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}

interface SendingClient {
  send(...args: never[]): Promise<unknown>;
}

/**
 * The same SDK client with every request passing through the limiter. It inherits from the
 * client, so SDK paginators (which check instanceof) accept it.
 */
export function withLimit<C extends SendingClient>(client: C, limit: Limiter): C {
  const limited = Object.create(client) as C;
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (limited as { send: unknown }).send = (...args: unknown[]) => limit(() => send(...args));
  return limited;
}
