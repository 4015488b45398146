/**
 * A cap on the bytes of file data held in memory by uploads at once, shared by every upload of a
 * run: a part is read only once its bytes fit. Part-sized buffers are reused rather than left to
 * the garbage collector, so resident memory stays near the cap instead of drifting above it.
 */
export interface BufferBudget {
  /** A buffer of exactly `size` bytes, once `size` more bytes fit under the cap. */
  acquire(size: number): Promise<Buffer>;
  /** Gives the bytes back (and the buffer, for reuse). */
  release(buffer: Buffer): void;
  /** Bytes currently handed out. */
  readonly used: number;
}

/** Buffers at least this large are kept for reuse; smaller ones are cheap to allocate. */
const POOLED_MIN = 1024 * 1024;

export function createBufferBudget(maxBytes: number): BufferBudget {
  let used = 0;
  let pooledBytes = 0;
  const pool: Buffer[] = [];
  const waiting: Array<{ size: number; grant: () => void }> = [];

  const take = (size: number): Buffer => {
    used += size;
    const i = pool.findIndex((b) => b.length === size);
    if (i >= 0) {
      const [buffer] = pool.splice(i, 1);
      pooledBytes -= size;
      return buffer;
    }
    // Buffers of another size will not be asked for again soon: let them go.
    while (pooledBytes + used > maxBytes && pool.length) pooledBytes -= pool.shift()!.length;
    return size >= POOLED_MIN ? Buffer.allocUnsafeSlow(size) : Buffer.allocUnsafe(size);
  };
  // One request larger than the whole cap still proceeds, alone.
  const fits = (size: number) => used === 0 || used + size <= maxBytes;

  return {
    get used() {
      return used;
    },
    acquire(size) {
      if (!waiting.length && fits(size)) return Promise.resolve(take(size));
      return new Promise<Buffer>((resolve) => waiting.push({ size, grant: () => resolve(take(size)) }));
    },
    release(buffer) {
      used -= buffer.length;
      if (buffer.length >= POOLED_MIN && pooledBytes + buffer.length <= maxBytes) {
        pool.push(buffer);
        pooledBytes += buffer.length;
      }
      // First come, first served: a large request is not starved by small ones overtaking it.
      while (waiting.length && fits(waiting[0].size)) waiting.shift()!.grant();
    },
  };
}
