import { Redis } from 'ioredis';
import { loadActor } from '../../actors/activation.ts';
import type { ActorRef } from '../../actors/envelope.ts';
import { silentLogger } from '../../actors/ports.ts';
import { openOrm } from '../../db/orm.ts';
import { createPostgresPersistence } from '../../db/postgresPersistence.ts';
import { projectionWriters } from '../../db/projections/projectionWriters.ts';
import { createRedisSnapshotCache } from '../../db/redis/snapshotCache.ts';
import { createRegistry } from '../../machines/registry.ts';
import { scrapeMetrics } from '../metricsScrape.ts';
import { sumOf } from '../prometheus.ts';
import { summarize } from '../stats.ts';
import { confirmedOrders, freshSkus } from './benchSkus.ts';
import { restockEachOnce, restockThroughApi } from './commandLoad.ts';
import type { MicroBenchmark } from './microContext.ts';
import type { MicroLine } from './microResult.ts';

/**
 * (2) Actor activation from Redis vs PostgreSQL: the runtime's own activation code (`loadActor`, with the real
 * Redis cache and PostgreSQL persistence adapters, on the system's database) loads existing actors, once allowed
 * to use the cache and once made to bypass it, one at a time. It only reads. The system's own activation counts by
 * source (trackops_actor_activations_total) are reported beside it.
 */
export const activation: MicroBenchmark = {
  name: 'activation',
  description:
    'loadActor from Redis (cache) vs PostgreSQL (store): 100 inventory items and 50 orders, 3 rounds',
  async run({ client, config, url, declineAboveCents, progress }) {
    const skus = await freshSkus(client, 'activation', 100);
    await restockEachOnce(restockThroughApi(client), skus, 'cache fill');
    const orderIds = await confirmedOrders(client, skus, declineAboveCents, 50);
    const refs: ActorRef[] = [
      ...skus.map((id) => ({ type: 'inventoryItem', id })),
      ...orderIds.map((id) => ({ type: 'order', id })),
    ];
    const orm = await openOrm(config.DATABASE_URL);
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
    try {
      const ports = {
        persistence: createPostgresPersistence({ orm, projections: projectionWriters, nodeId: 'bench' }),
        cache: createRedisSnapshotCache(redis),
        logger: silentLogger,
      };
      const registry = createRegistry();
      const time = async (label: string, bypassCache: boolean, rounds: number): Promise<MicroLine> => {
        const latencies: number[] = [];
        let fromOtherSource = 0;
        const startedAt = performance.now();
        for (let round = 0; round < rounds; round += 1) {
          for (const ref of refs) {
            const definition = registry.get(ref.type);
            if (!definition) continue;
            const loadedAt = performance.now();
            const loaded = await loadActor(ports, definition, { ref, bypassCache });
            latencies.push(performance.now() - loadedAt);
            if (loaded.source !== (bypassCache ? 'store' : 'cache')) fromOtherSource += 1;
          }
        }
        const summary = summarize(latencies);
        return {
          label,
          count: latencies.length,
          ratePerSecond: latencies.length / ((performance.now() - startedAt) / 1000),
          p50Ms: summary.p50,
          p99Ms: summary.p99,
          ...(fromOtherSource > 0 ? { note: `${fromOtherSource} not from that source` } : {}),
        };
      };
      progress.start('activation', 2);
      const fromRedis = await time('from Redis (cache)', false, 3);
      progress.increment();
      const fromPostgres = await time('from PostgreSQL (store)', true, 3);
      progress.increment();
      progress.stop();
      const metrics = await scrapeMetrics(url);
      const bySource = Object.fromEntries(
        ['cache', 'store', 'none'].map((source) => [
          source,
          sumOf(metrics, 'trackops_actor_activations_total', { source }),
        ]),
      );
      return {
        name: 'activation',
        lines: [
          fromRedis,
          fromPostgres,
          {
            label: 'system so far',
            count: Object.values(bySource).reduce((sum, value) => sum + value, 0),
            note: `activations by source: cache ${bySource['cache']}, store ${bySource['store']}, new ${bySource['none']}`,
          },
        ],
        details: { actors: refs.length, activationsBySource: bySource },
      };
    } finally {
      await redis.quit();
      await orm.close();
    }
  },
};
