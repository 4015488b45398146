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
export async function* mapOrdered<T, R>(source: AsyncIterable<T> | Iterable<T>, window: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  const iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]()) as
    | AsyncIterator<T>
    | Iterator<T>;
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
