import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActorSystem } from '../../actors/actorSystem.ts';
import { createEnvelope } from '../../actors/envelope.ts';
import { StaleWriterError } from '../../actors/errors.ts';
import type { PersistencePort } from '../../actors/ports.ts';
import { createMemorySnapshotCache } from '../../actors/testing/memorySnapshotCache.ts';
import { computeTurn } from '../../actors/turn.ts';
import { createPostgresPersistence } from '../../db/postgresPersistence.ts';
import { projectionWriters } from '../../db/projections/projectionWriters.ts';
import { orderDefinition, registry } from '../../machines/registry.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { queryOne } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';

/** Fencing: a writer holding an old version is rejected by the version check, and leaves no trace. */
let sut: TestSystem;
let persistence: PersistencePort;

beforeAll(async () => {
  sut = await startTestSystem({ router: false, relay: false });
  persistence = createPostgresPersistence({
    orm: sut.trackops.orm,
    projections: projectionWriters,
    nodeId: 'stale-test',
  });
});

afterAll(async () => {
  await sut?.stop();
});

async function footprint(orderId: string) {
  const { orm } = sut.trackops;
  const count = async (sql: string) => (await queryOne<{ n: number }>(orm, sql, [orderId])).n;
  return {
    state: await queryOne<{ version: string; status: string }>(
      orm,
      'select version, status from actor_state where actor_id = ?',
      [orderId],
    ),
    outbox: await count('select count(*)::int as n from outbox_events where aggregateid = ?'),
    processed: await count('select count(*)::int as n from processed_messages where actor_id = ?'),
    order: await queryOne<{ status_history: { status: string }[] }>(
      orm,
      'select status, version, status_history from orders where id = ?',
      [orderId],
    ),
  };
}

describe('when a deliberately stale node writes an order another node has moved on', () => {
  it('then the write is rejected with StaleWriterError and nothing of it is committed', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const ref = { type: 'order', id };
    const atVersion1 = await persistence.load(ref);
    await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
    const before = await footprint(id);

    // The stale node still believes the order is PENDING at version 1 and cancels it.
    const staleTurn = computeTurn({
      definition: orderDefinition,
      ref,
      stored: atVersion1,
      message: createEnvelope({ type: 'order.cancel', payload: { reason: 'stale node' } }),
      now: new Date().toISOString(),
    });
    await expect(persistence.commitTurn(staleTurn)).rejects.toBeInstanceOf(StaleWriterError);

    expect(await footprint(id)).toEqual(before);
    expect(before.state.status).toBe('CONFIRMED');
  });

  it('then a node whose in-memory copy is stale reloads, recomputes on the current state and commits the next version', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const ref = { type: 'order', id };
    const staleNode = createActorSystem({ registry, persistence, cache: createMemorySnapshotCache() });
    await staleNode.deliver(ref, createEnvelope({ type: 'order.confirm', payload: {} })); // now live at version 2
    await sut.client.orders.updateStatus.mutate({ id, status: 'PROCESSING' }); // the other node writes version 3

    const result = await staleNode.deliver(ref, createEnvelope({ type: 'order.ship', payload: {} }));
    expect(result).toMatchObject({ version: 4, state: 'SHIPPED', duplicate: false });
    const after = await footprint(id);
    expect(Number(after.state.version)).toBe(4);
    expect(after.order.status_history.map((change) => change.status)).toEqual([
      'PENDING',
      'CONFIRMED',
      'PROCESSING',
      'SHIPPED',
    ]);
    await staleNode.stop();
  });
});
