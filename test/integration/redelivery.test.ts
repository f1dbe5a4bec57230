import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS } from '../../actors/envelope.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { produce } from '../support/kafkaRecords.ts';
import { queryOne } from '../support/sql.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** Delivery is at-least-once; the effect must be exactly once. */
let sut: TestSystem;
const crashed = new Map<string, number>();

beforeAll(async () => {
  sut = await startTestSystem({
    ...ORDER_ACTOR_ONLY,
    // Simulates a crash after the actor persisted and before the offset commit, once per marked record:
    // the consumer does not commit, and Kafka delivers the record again.
    afterDelivered: async (record) => {
      const marker = record.headers['test-crash-before-commit'];
      if (!marker || crashed.has(marker)) {
        if (marker) crashed.set(marker, (crashed.get(marker) ?? 0) + 1);
        return;
      }
      crashed.set(marker, 1);
      throw new Error('simulated crash between actor commit and offset commit');
    },
  });
});

afterAll(async () => {
  await sut?.stop();
});

async function shippedOrder(): Promise<string> {
  const { id } = await sut.client.orders.create.mutate(validOrderInput());
  for (const status of ['CONFIRMED', 'PROCESSING', 'SHIPPED'] as const)
    await sut.client.orders.updateStatus.mutate({ id, status });
  return id;
}

const inTransit = (orderId: string, headers: Record<string, string>) => ({
  key: orderId,
  value: JSON.stringify({
    orderId,
    type: 'IN_TRANSIT',
    occurredAt: '2026-02-01T10:00:00.000Z',
    location: 'Depot',
  }),
  headers,
});

describe('when the same Kafka record is delivered twice', () => {
  it('then it is applied once', async () => {
    const orderId = await shippedOrder();
    const messageId = crypto.randomUUID();
    await produce(sut.brokers, sut.topic('shipment.events'), [
      inTransit(orderId, { [HEADERS.messageId]: messageId }),
    ]);
    await produce(sut.brokers, sut.topic('shipment.events'), [
      inTransit(orderId, { [HEADERS.messageId]: messageId }),
    ]);
    // A third, distinct record after the two proves the router has consumed past both duplicates.
    await produce(sut.brokers, sut.topic('shipment.events'), [
      {
        key: orderId,
        value: JSON.stringify({ orderId, type: 'DELIVERED', occurredAt: '2026-02-01T12:00:00.000Z' }),
      },
    ]);
    const order = await waitFor(
      async () => {
        const current = await sut.client.orders.get.query({ id: orderId });
        return current.status === 'DELIVERED' && current;
      },
      { what: 'order DELIVERED' },
    );
    expect(order.trackingEvents.map((event) => event.kind)).toEqual(['IN_TRANSIT', 'DELIVERED']);
    expect(order.version).toBe(6);
  });
});

describe('when the router crashes between the actor commit and the offset commit', () => {
  it('then the record is redelivered and acknowledged as a duplicate: applied exactly once', async () => {
    const orderId = await shippedOrder();
    const marker = crypto.randomUUID();
    await produce(sut.brokers, sut.topic('shipment.events'), [
      inTransit(orderId, { 'test-crash-before-commit': marker }),
    ]);
    await waitFor(() => (crashed.get(marker) ?? 0) >= 2, { what: 'the record delivered a second time' });
    const order = await sut.client.orders.get.query({ id: orderId });
    expect(order.trackingEvents.map((event) => event.kind)).toEqual(['IN_TRANSIT']);
    expect(order.version).toBe(5);
    const processed = await queryOne<{ n: number }>(
      sut.trackops.orm,
      "select count(*)::int as n from processed_messages where actor_type = 'order' and actor_id = ?",
      [orderId],
    );
    expect(processed.n).toBe(5);
  });
});
