import { afterAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../bridge/kafka/deadLetters.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { produce, watchTopics } from '../support/kafkaRecords.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * A record that keeps failing is retried with backoff, then parked on `<topic>.dlq` and in `dead_letters`; once the
 * cause is fixed, `dlq.redrive` applies it exactly once. The cause here is real: no node hosts actors.
 */
let routerOnly: TestSystem | undefined;
let full: TestSystem | undefined;

afterAll(async () => {
  await routerOnly?.stop();
  await full?.stop();
});

describe('when a routed record keeps failing', () => {
  it('then it is retried, parked with its reason, and applied exactly once when redriven after the fix', async () => {
    // An order in PROCESSING, then a node that routes but hosts no actors: every delivery finds no responder.
    const setup = await startTestSystem({ router: false });
    const { id } = await setup.client.orders.create.mutate(validOrderInput());
    for (const status of ['CONFIRMED', 'PROCESSING'] as const)
      await setup.client.orders.updateStatus.mutate({ id, status });
    await setup.stop();
    routerOnly = await startTestSystem({
      actors: false,
      onlyRoutes: ['shipment.events'],
      env: { ROUTER_MAX_ATTEMPTS: '3', ROUTER_UNAVAILABLE_BUDGET_MS: '0' },
    });

    const dlq = await watchTopics(routerOnly.brokers, [routerOnly.topic('shipment.events.dlq')]);
    try {
      await produce(routerOnly.brokers, routerOnly.topic('shipment.events'), [
        {
          key: id,
          value: JSON.stringify({ orderId: id, type: 'PICKED_UP', occurredAt: '2026-05-01T08:00:00.000Z' }),
        },
      ]);
      const [parked] = await waitFor(() => dlq.byKey(id).length === 1 && dlq.byKey(id), {
        what: 'the record on the DLQ',
      });
      expect(parked?.headers).toMatchObject({
        [DLQ_HEADERS.reasonCode]: 'TRANSPORT_UNAVAILABLE',
        [DLQ_HEADERS.attempts]: '3',
      });

      const [mirrored] = await routerOnly.client.dlq.list
        .query({ topic: 'shipment.events', status: 'parked', key: id })
        .then((rows) => rows.filter((row) => row.key === id));
      expect(mirrored).toMatchObject({ reasonCode: 'TRANSPORT_UNAVAILABLE', attempts: 3, status: 'parked' });

      // The fix: a node that hosts actors is back. Redrive the dead letter, twice: it applies once.
      await routerOnly.stop();
      routerOnly = undefined;
      full = await startTestSystem();
      const first = await full.client.dlq.redrive.mutate({ id: mirrored?.id ?? '' });
      expect(first).toEqual({ redriven: 1, failed: [] });
      const order = await full.client.orders.get.query({ id });
      expect(order.status).toBe('SHIPPED');
      expect(order.trackingEvents).toHaveLength(1);

      await full.client.dlq.redrive.mutate({ topic: 'shipment.events' });
      const again = await full.client.orders.get.query({ id });
      expect(again.version).toBe(order.version);
      const [after] = (await full.client.dlq.list.query({ topic: 'shipment.events', key: id })).filter(
        (row) => row.key === id,
      );
      expect(after).toMatchObject({ status: 'redriven' });
    } finally {
      await dlq.stop();
    }
  });
});
