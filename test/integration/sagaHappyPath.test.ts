import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchTopics } from '../support/kafkaRecords.ts';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** The order saga carries a new order to CONFIRMED through Kafka and NATS: reserve every SKU, charge, confirm. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem();
});

afterAll(async () => {
  await sut?.stop();
});

describe('when an order with two SKUs in stock is created', () => {
  it('then it is CONFIRMED, with each reservation and the charge made exactly once, and every fact in Kafka', async () => {
    const topics = [
      'order.created',
      'inventory.reserved',
      'payment.processed',
      'order.status.updated',
      'order.notification',
    ];
    const kafka = await watchTopics(sut.brokers, topics.map(sut.topic));
    try {
      const [first, second] = [
        await stockedSku(sut.client, 10, 'MUG'),
        await stockedSku(sut.client, 5, 'TEA'),
      ];
      const { id } = await sut.client.orders.create.mutate(
        orderFor([
          { sku: first, quantity: 2 },
          { sku: second, quantity: 1, unitPrice: '4.50' },
        ]),
      );

      const order = await settledOrder(sut.client, id);
      expect(order.status).toBe('CONFIRMED');
      expect(order.totalAmount).toBe('24.50');

      const reservations = await sut.client.inventory.reservations.list.query({ orderId: id });
      expect(reservations.map((r) => [r.sku, r.quantity, r.status]).sort()).toEqual(
        [
          [first, 2, 'held'],
          [second, 1, 'held'],
        ].sort(),
      );
      expect((await sut.client.inventory.items.get.query({ sku: first })).available).toBe(8);
      expect((await sut.client.inventory.items.get.query({ sku: first })).reserved).toBe(2);
      const payments = await query<{ status: string; amount_cents: string }>(
        sut.trackops.orm,
        'select status, amount_cents from payments where order_id = ?',
        [id],
      );
      expect(payments).toEqual([{ status: 'CHARGED', amount_cents: expect.anything() }]);
      expect(Number(payments[0]?.amount_cents)).toBe(2450);

      const facts = () =>
        kafka.seen
          .filter((record) => JSON.stringify(record.value).includes(id))
          .map((record) => record.topic.slice(sut.topic('').length));
      // The watcher reads every topic from its beginning, and the suite's earlier records come first: wait until it
      // has caught up on each topic (this order's fact in every one), then count.
      await waitFor(() => topics.every((topic) => facts().includes(topic)), {
        what: "this order's facts on every topic",
      });
      const counts = Object.fromEntries(
        topics.map((topic) => [topic, facts().filter((seen) => seen === topic).length]),
      );
      expect(counts).toEqual({
        'order.created': 1,
        'inventory.reserved': 2,
        'payment.processed': 1,
        'order.status.updated': 1,
        'order.notification': 1,
      });
    } finally {
      await kafka.stop();
    }
  });
});
