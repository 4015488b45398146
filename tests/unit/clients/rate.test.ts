import { createRateGate } from '../../../src/services/clients/rate';
import { accountClientsPerBucketPolicy, accountGrantSize } from '../../../src/policies/clients/limits';

describe('rate gate', () => {
  test('spaces call starts 1/rate seconds apart', async () => {
    const gate = createRateGate(100);
    const start = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 11 }, () => gate().then(() => times.push(Date.now() - start))));
    // 11 calls at 100/s: the last starts about 100 ms after the first.
    expect(Math.max(...times)).toBeGreaterThanOrEqual(95);
    expect(Math.max(...times)).toBeLessThan(400);
  });
});

describe('bucket policy ceiling for account clients', () => {
  test('a grant has a size and a whole number of them fits in 20 KB', () => {
    const size = accountGrantSize('read-write', 'client-0001/', 'shared-bucket');
    expect(size).toBeGreaterThan(300);
    const fit = accountClientsPerBucketPolicy('read-write', 'client-0001/', 'shared-bucket');
    expect(fit * size).toBeLessThanOrEqual(20480);
    expect((fit + 1) * size).toBeGreaterThan(20480 - 40);
  });
});
