// waitForKey: exponential backoff with an injected clock and sleep (no real waiting).
import { keyProbes, waitForKey, type Probe } from '../../../src/services/credentials/key-readiness';

function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps };
}
const quiet = () => {
  const lines: string[] = [];
  return { lines, info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m) };
};
const notYet = () =>
  Object.assign(new Error('The security token included in the request is invalid'), {
    name: 'InvalidClientTokenId',
    $metadata: { httpStatusCode: 403 },
  });

describe('waitForKey', () => {
  it('retries with doubling pauses (capped) until every probe passes, probing in order', async () => {
    const c = clock();
    const calls: string[] = [];
    let sts = 0;
    let s3 = 0;
    const probes: Probe[] = [
      {
        name: 'sts',
        run: async () => {
          calls.push('sts');
          if (++sts < 4) throw notYet();
        },
      },
      {
        name: 's3',
        run: async () => {
          calls.push('s3');
          if (++s3 < 3) throw notYet();
        },
      },
    ];
    const r = quiet();
    const result = await waitForKey(probes, { reporter: r, sleep: c.sleep, now: c.now, initialDelayMs: 1000, maxDelayMs: 4000 });
    expect(result).toMatchObject({ ready: true, attempts: 6 });
    expect(c.sleeps).toEqual([1000, 2000, 4000, 4000, 4000]);
    // sts is not probed again once it worked
    expect(calls).toEqual(['sts', 'sts', 'sts', 'sts', 's3', 's3', 's3']);
    expect(r.lines.at(-1)).toBe('the new key works (after 15.0 s)');
  });

  it('gives up at the timeout, never sleeping past it, and says why', async () => {
    const c = clock();
    const result = await waitForKey([{ name: 'sts:GetCallerIdentity', run: async () => Promise.reject(notYet()) }], {
      reporter: quiet(),
      sleep: c.sleep,
      now: c.now,
      timeoutMs: 10_000,
    });
    expect(result.ready).toBe(false);
    expect(c.sleeps).toEqual([1000, 2000, 4000, 3000]);
    expect(result.waitedMs).toBe(10_000);
    expect(result.lastError).toMatch(/^sts:GetCallerIdentity: the access key is not valid \(InvalidClientTokenId\)/);
  });

  it('a key that works at once costs one attempt and no sleep', async () => {
    const c = clock();
    const result = await waitForKey([{ name: 'sts', run: async () => ({}) }], { reporter: quiet(), sleep: c.sleep, now: c.now });
    expect(result).toMatchObject({ ready: true, attempts: 1 });
    expect(c.sleeps).toEqual([]);
  });

  it('probes S3 with ListObjectsV2 under a prefix (HeadBucket would be refused), HeadBucket otherwise, nothing when it cannot list', () => {
    const clients = { sts: {} as never, s3: {} as never };
    expect(keyProbes(clients, { bucket: 'b', prefix: 'alice/', canList: true }).map((p) => p.name)).toEqual([
      'sts:GetCallerIdentity',
      's3:ListBucket on b/alice/',
    ]);
    expect(keyProbes(clients, { bucket: 'b', canList: true }).map((p) => p.name)).toEqual(['sts:GetCallerIdentity', 's3:ListBucket on b']);
    expect(keyProbes(clients, { bucket: 'b', canList: false }).map((p) => p.name)).toEqual(['sts:GetCallerIdentity']);
  });
});
