import { createLimiter, mapOrdered, withLimit } from '../../../src/services/concurrency';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('createLimiter', () => {
  it('never runs more than the limit at once, and runs them all', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await tick(2);
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('releases its slot when a task fails', async () => {
    const limit = createLimiter(1);
    await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 'next')).resolves.toBe('next');
  });
});

describe('mapOrdered', () => {
  it('yields in input order although later items finish first', async () => {
    const out: number[] = [];
    for await (const v of mapOrdered([30, 1, 10, 2], 4, async (ms) => (await tick(ms), ms))) out.push(v);
    expect(out).toEqual([30, 1, 10, 2]);
  });

  it('keeps at most `window` items in flight', async () => {
    let active = 0;
    let peak = 0;
    const out: number[] = [];
    for await (const v of mapOrdered(
      Array.from({ length: 12 }, (_, i) => i),
      4,
      async (i) => {
        active++;
        peak = Math.max(peak, active);
        await tick(3);
        active--;
        return i;
      },
    ))
      out.push(v);
    expect(peak).toBe(4);
    expect(out).toHaveLength(12);
  });

  it('throws the first failure in order and leaves no unhandled rejection', async () => {
    const seen: number[] = [];
    const run = async () => {
      for await (const v of mapOrdered([1, 2, 3], 3, async (i) => {
        if (i === 2) throw new Error('item 2');
        return i;
      }))
        seen.push(v);
    };
    await expect(run()).rejects.toThrow('item 2');
    expect(seen).toEqual([1]);
  });

  it('pulls lazily from an async source', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i;
      }
    }
    const it = mapOrdered(source(), 2, async (i) => i);
    await it.next();
    expect(pulled).toBeLessThanOrEqual(3);
    await it.return(undefined);
  });
});

describe('withLimit', () => {
  class FakeClient {
    active = 0;
    peak = 0;
    async send(n: number) {
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      await tick(2);
      this.active--;
      return n * 2;
    }
  }

  it('limits requests, keeps the prototype chain (paginators check instanceof)', async () => {
    const client = new FakeClient();
    const limited = withLimit(client, createLimiter(2));
    expect(limited).toBeInstanceOf(FakeClient);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => limited.send(n)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(client.peak).toBe(2);
  });
});
