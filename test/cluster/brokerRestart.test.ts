import { afterAll, describe, it } from 'vitest';
import { ensureKafkaBroker, stopKafkaBroker } from '../../scripts/kafka/kafkaBroker.ts';
import { expectSettledConsistently, placeOrders, startCluster, stockSkus } from '../support/cluster.ts';

/** The Kafka broker restarts while orders are in flight: producers and consumers recover, nothing is lost or doubled. */
afterAll(async () => {
  await ensureKafkaBroker();
});

describe('when the Kafka broker is restarted under load', () => {
  it('then every order still settles consistently', { timeout: 300_000 }, async () => {
    const started = await startCluster(['kafka-a', 'kafka-b']);
    const skus = await stockSkus(started.api, 4, 60);
    const ids = await placeOrders(started.api, skus, 60);
    await stopKafkaBroker();
    // Orders keep coming while the broker is down: their turns commit, their events wait in the outbox.
    ids.push(...(await placeOrders(started.api, skus, 40)));
    await ensureKafkaBroker();
    ids.push(...(await placeOrders(started.api, skus, 40)));
    await expectSettledConsistently(started.api, { ids, skus, stockPerSku: 60 });
  });
});
