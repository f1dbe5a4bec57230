import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { expectSettledConsistently, placeOrders, startCluster, stockSkus } from '../support/cluster.ts';

/** Redis is a cache: flushing it under load loses no data and breaks no invariant. */
describe('when Redis is flushed under load', () => {
  it('then the actors reload from PostgreSQL and every order settles consistently', {
    timeout: 300_000,
  }, async () => {
    const started = await startCluster(['cache-a', 'cache-b']);
    const skus = await stockSkus(started.api, 4, 60);
    const redis = new Redis(started.api.config.REDIS_URL);
    try {
      const first = placeOrders(started.api, skus, 100);
      await redis.flushdb();
      const ids = [...(await first), ...(await placeOrders(started.api, skus, 50))];
      await redis.flushdb();
      await expectSettledConsistently(started.api, { ids, skus, stockPerSku: 60 });
    } finally {
      redis.disconnect();
    }
  });
});
