import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produce, watchTopics } from '../support/kafkaRecords.ts';
import { waitForRouterCaughtUp } from '../support/routerLag.ts';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** Every record that drives a saga, delivered a second time, changes nothing: no double reservation, charge or refund. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem();
});

afterAll(async () => {
  await sut?.stop();
});

const SAGA_TOPICS = [
  'order.created',
  'order.cancelled',
  'order.confirm',
  'inventory.reserve',
  'inventory.reserved',
  'inventory.release',
  'inventory.released',
  'payment.charge',
  'payment.processed',
  'payment.refund',
  'payment.refunded',
];

describe('when every saga-driving record of an order is delivered twice', () => {
  it('then the outcome is the same as once: one reservation per SKU, one charge, one refund', async () => {
    const kafka = await watchTopics(sut.brokers, SAGA_TOPICS.map(sut.topic));
    try {
      const [first, second] = [await stockedSku(sut.client, 10), await stockedSku(sut.client, 10)];
      const { id } = await sut.client.orders.create.mutate(
        orderFor([
          { sku: first, quantity: 1 },
          { sku: second, quantity: 2 },
        ]),
      );
      expect((await settledOrder(sut.client, id)).status).toBe('CONFIRMED');
      await sut.client.orders.cancel.mutate({ id, reason: 'test the refund path too' });
      const mine = () => kafka.seen.filter((record) => JSON.stringify(record.value).includes(id));
      await waitFor(
        () =>
          mine().some((record) => record.topic === sut.topic('payment.refunded')) &&
          mine().filter((r) => r.topic === sut.topic('inventory.released')).length === 2,
        {
          what: 'refund and releases in Kafka',
        },
      );
      await waitForRouterCaughtUp(sut, SAGA_TOPICS);
      await waitFor(
        async () => {
          const [saga] = await query<{ state: string }>(
            sut.trackops.orm,
            "select state from saga_instances where saga_type = 'cancellationSaga' and saga_id = ?",
            [id],
          );
          return saga?.state === 'completed';
        },
        { what: 'the cancellation saga completed' },
      );
      const before = await footprint(id, [first, second]);

      // Deliver every one of those records again, as a broker redelivery would (same key, value and headers).
      const originals = mine();
      for (const record of originals) {
        await produce(sut.brokers, record.topic, [
          { key: record.key, value: JSON.stringify(record.value), headers: record.headers },
        ]);
      }
      // Redeliveries are acknowledged as duplicates: wait until the router committed past every one of them.
      await waitForRouterCaughtUp(sut, SAGA_TOPICS);

      expect(await footprint(id, [first, second])).toEqual(before);
    } finally {
      await kafka.stop();
    }
  });
});

async function footprint(orderId: string, skus: string[]) {
  const { orm } = sut.trackops;
  return {
    order: (await sut.client.orders.get.query({ id: orderId })).version,
    outbox: await query(
      orm,
      'select type, count(*)::int as n from outbox_events where aggregateid = ? group by type order by type',
      [orderId],
    ),
    payment: await query(
      orm,
      'select status, amount_cents, refunded_cents, version from payments where order_id = ?',
      [orderId],
    ),
    stock: await Promise.all(
      skus.map((sku) =>
        sut.client.inventory.items.get
          .query({ sku })
          .then((item) => [item.available, item.reserved, item.version]),
      ),
    ),
    sagas: await query(
      orm,
      'select saga_type, state, version from saga_instances where order_id = ? order by saga_type',
      [orderId],
    ),
  };
}
