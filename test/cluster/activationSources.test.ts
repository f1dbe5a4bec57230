import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import { computeTurn } from '../../actors/turn.ts';
import { createPostgresPersistence } from '../../db/postgresPersistence.ts';
import { projectionWriters } from '../../db/projections/projectionWriters.ts';
import { createRedisSnapshotCache } from '../../db/redis/snapshotCache.ts';
import { registry } from '../../machines/registry.ts';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';

/** Activating an actor from its Redis snapshot or from PostgreSQL gives the same state, and the same next turn. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem();
});

afterAll(async () => {
  await sut?.stop();
});

describe('when an actor is activated from the cache and from the store', () => {
  it('then both give the same stored actor, and the same turn for the same message', async () => {
    const sku = await stockedSku(sut.client, 10);
    const { id } = await sut.client.orders.create.mutate(orderFor([{ sku, quantity: 2 }]));
    await settledOrder(sut.client, id);
    const cache = createRedisSnapshotCache(sut.trackops.redis);
    const store = createPostgresPersistence({
      orm: sut.trackops.orm,
      projections: projectionWriters,
      nodeId: 'test',
    });

    for (const ref of [
      { type: 'order', id },
      { type: 'orderSaga', id },
      { type: 'payment', id },
      { type: 'inventoryItem', id: sku },
    ]) {
      const [cached, stored] = await Promise.all([cache.get(ref), store.load(ref)]);
      expect(stored, `${ref.type} in PostgreSQL`).toBeDefined();
      expect(cached, `${ref.type} in Redis`).toEqual(stored);
    }

    const definition = registry.get('order');
    if (!definition) throw new Error('order definition missing');
    const message = createEnvelope({ type: 'order.process', payload: {} });
    const now = new Date().toISOString();
    const ref = { type: 'order', id };
    const fromCache = computeTurn({ definition, ref, stored: await cache.get(ref), message, now });
    const fromStore = computeTurn({ definition, ref, stored: await store.load(ref), message, now });
    expect({ ...fromCache, outbox: fromCache.outbox.map((event) => event.envelope.type) }).toEqual({
      ...fromStore,
      outbox: fromStore.outbox.map((event) => event.envelope.type),
    });
  });
});
