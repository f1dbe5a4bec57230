import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validOrderInput } from '../support/fixtures.ts';
import { produce, watchTopics } from '../support/kafkaRecords.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem(ORDER_ACTOR_ONLY);
});

afterAll(async () => {
  await sut?.stop();
});

async function processingOrder(): Promise<string> {
  const { id } = await sut.client.orders.create.mutate(validOrderInput());
  await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
  await sut.client.orders.updateStatus.mutate({ id, status: 'PROCESSING' });
  return id;
}

const tracking = (orderId: string, type: string, minutes: number, location?: string) => ({
  key: orderId,
  value: JSON.stringify({
    orderId,
    type,
    occurredAt: new Date(Date.UTC(2026, 0, 2, 8, minutes)).toISOString(),
    ...(location ? { location } : {}),
  }),
});

describe('when carrier tracking records arrive on shipment.events', () => {
  it('then router -> NATS -> order actor carries the order to SHIPPED and DELIVERED, keeping every tracking event', async () => {
    const orderId = await processingOrder();
    const kafka = await watchTopics(sut.brokers, [
      sut.topic('order.status.updated'),
      sut.topic('order.delivered'),
    ]);
    try {
      await produce(sut.brokers, sut.topic('shipment.events'), [
        tracking(orderId, 'PICKED_UP', 0, 'Chicago hub'),
        tracking(orderId, 'IN_TRANSIT', 30),
        tracking(orderId, 'OUT_FOR_DELIVERY', 60, 'Springfield'),
        tracking(orderId, 'DELIVERED', 90, 'Front desk'),
      ]);

      const delivered = await waitFor(
        async () => {
          const order = await sut.client.orders.get.query({ id: orderId });
          return order.status === 'DELIVERED' && order;
        },
        { what: 'order DELIVERED' },
      );

      expect(delivered.trackingEvents).toEqual([
        { kind: 'PICKED_UP', occurredAt: '2026-01-02T08:00:00.000Z', location: 'Chicago hub' },
        { kind: 'IN_TRANSIT', occurredAt: '2026-01-02T08:30:00.000Z' },
        { kind: 'OUT_FOR_DELIVERY', occurredAt: '2026-01-02T09:00:00.000Z', location: 'Springfield' },
        { kind: 'DELIVERED', occurredAt: '2026-01-02T09:30:00.000Z', location: 'Front desk' },
      ]);
      expect(delivered.statusHistory.map((change) => change.status)).toEqual([
        'PENDING',
        'CONFIRMED',
        'PROCESSING',
        'SHIPPED',
        'DELIVERED',
      ]);
      // 3 status changes from the API path and the pick-up, then delivery: each one published, once.
      await waitFor(() => kafka.byKey(orderId).length >= 5 && true, { what: 'status facts in Kafka' });
      const facts = kafka
        .byKey(orderId)
        .map(
          (record) =>
            `${record.topic.replace(sut.topic(''), '')}:${(record.value as { to?: string }).to ?? ''}`,
        );
      expect(facts.sort()).toEqual(
        [
          'order.delivered:',
          'order.status.updated:CONFIRMED',
          'order.status.updated:DELIVERED',
          'order.status.updated:PROCESSING',
          'order.status.updated:SHIPPED',
        ].sort(),
      );
    } finally {
      await kafka.stop();
    }
  });
});
