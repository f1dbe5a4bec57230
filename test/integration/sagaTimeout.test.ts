import { afterAll, describe, expect, it } from 'vitest';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * Durable step timeouts: the payment answer never comes (this node's router leaves payment.charge alone), so the
 * saga compensates when its timer fires, even though the runtime was stopped and started again while it was
 * pending; and it fires once.
 */
const env = { SAGA_STEP_TIMEOUT_MS: '3000' };
let sut: TestSystem | undefined;

afterAll(async () => {
  await sut?.stop();
});

const timersOf = (orderId: string) =>
  query<{ timer_id: string; due_at: Date }>(
    sut?.trackops.orm ?? (undefined as never),
    'select timer_id, due_at from actor_timers where actor_id = ?',
    [orderId],
  );

describe('when the payment answer never comes', () => {
  it('then the timer set before a restart fires after it, once, and the saga compensates', async () => {
    sut = await startTestSystem({ env, skipRoutes: ['payment.charge'] });
    const sku = await stockedSku(sut.client, 5);
    const { id } = await sut.client.orders.create.mutate(orderFor([{ sku, quantity: 2 }]));
    await waitFor(
      async () => {
        const [saga] = await query<{ state: string }>(
          sut!.trackops.orm,
          "select state from saga_instances where saga_type = 'orderSaga' and saga_id = ?",
          [id],
        );
        return saga?.state === 'charging';
      },
      { what: 'the saga waiting for the payment' },
    );
    const pending = await timersOf(id);
    expect(pending).toHaveLength(1);
    expect(pending[0]?.timer_id).toContain('stepTimeout');

    // The runtime goes away while the timer is pending, and comes back.
    await sut.stop();
    sut = await startTestSystem({ env, skipRoutes: ['payment.charge'] });

    const order = await settledOrder(sut.client, id, ['CANCELLED'], 30_000);
    expect(order.cancellationReason).toMatch(/timed out waiting for payment/);
    await waitFor(async () => (await sut!.client.inventory.items.get.query({ sku })).reserved === 0, {
      what: 'stock released',
    });
    // The saga keeps waiting for the release and refund it sent; once they are confirmed, no timer is left.
    await waitFor(
      async () => {
        const [saga] = await query<{ state: string }>(
          sut!.trackops.orm,
          "select state from saga_instances where saga_type = 'orderSaga' and saga_id = ?",
          [id],
        );
        return saga?.state === 'cancelled';
      },
      { what: 'the saga done compensating' },
    );
    expect(await timersOf(id)).toEqual([]);
    const [saga] = await query<{ steps: { step: string }[] }>(
      sut.trackops.orm,
      "select steps from saga_instances where saga_type = 'orderSaga' and saga_id = ?",
      [id],
    );
    expect((saga?.steps ?? []).filter((step) => step.step === 'timeout')).toHaveLength(1);
    const firings = await query<{ message_id: string }>(
      sut.trackops.orm,
      "select message_id from processed_messages where actor_type = 'orderSaga' and actor_id = ? and message_id like 'timer:%'",
      [id],
    );
    expect(firings).toHaveLength(1);
    expect(firings[0]?.message_id).toContain('stepTimeout.orderSaga.charging');
  });
});
