import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, startChildRuntime } from '../support/childProcess.ts';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * Durable step timeouts: the payment answer never comes (this node's router leaves payment.charge alone), so the
 * saga compensates when its timer fires, even though the node that set it was SIGKILLed while it was pending;
 * and it fires once, on the node that took over.
 */
const env = { SAGA_STEP_TIMEOUT_MS: '3000' };
let child: ChildProcess | undefined;
let observer: TestSystem | undefined;
let sut: TestSystem | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await observer?.stop();
  await sut?.stop();
});

const timersOf = (system: TestSystem, orderId: string) =>
  query<{ timer_id: string; due_at: Date }>(
    system.trackops.orm,
    'select timer_id, due_at from actor_timers where actor_id = ?',
    [orderId],
  );

async function sagaState(system: TestSystem, orderId: string): Promise<string | undefined> {
  const [saga] = await query<{ state: string }>(
    system.trackops.orm,
    "select state from saga_instances where saga_type = 'orderSaga' and saga_id = ?",
    [orderId],
  );
  return saga?.state;
}

describe('when the payment answer never comes', () => {
  it('then the timer set before the node was SIGKILLed fires on the next node, once, and the saga compensates', async () => {
    // The node that sets the timer runs in its own process, so it can be killed for real.
    const node = await startChildRuntime({ bootstrap: { skipRoutes: ['payment.charge'] }, env });
    child = node.child;
    const watcher = await startTestSystem({ env, actors: false, router: false, relay: false, timers: false });
    observer = watcher;
    const sku = await stockedSku(watcher.client, 5);
    const { id } = await watcher.client.orders.create.mutate(orderFor([{ sku, quantity: 2 }]));
    await waitFor(async () => (await sagaState(watcher, id)) === 'charging', {
      what: 'the saga waiting for the payment',
    });
    const pending = await timersOf(watcher, id);
    expect(pending).toHaveLength(1);
    expect(pending[0]?.timer_id).toContain('stepTimeout');

    child.kill('SIGKILL');
    expect(await exited(child)).toBe('SIGKILL');
    const next = await startTestSystem({ env, skipRoutes: ['payment.charge'] });
    sut = next;

    const order = await settledOrder(next.client, id, ['CANCELLED'], 30_000);
    expect(order.cancellationReason).toMatch(/timed out waiting for payment/);
    await waitFor(async () => (await next.client.inventory.items.get.query({ sku })).reserved === 0, {
      what: 'stock released',
    });
    // The saga keeps waiting for the release and refund it sent; once they are confirmed, no timer is left.
    await waitFor(
      async () => {
        const [saga] = await query<{ state: string }>(
          next.trackops.orm,
          "select state from saga_instances where saga_type = 'orderSaga' and saga_id = ?",
          [id],
        );
        return saga?.state === 'cancelled';
      },
      { what: 'the saga done compensating' },
    );
    expect(await timersOf(next, id)).toEqual([]);
    const [saga] = await query<{ steps: { step: string; detail?: string }[] }>(
      next.trackops.orm,
      "select steps from saga_instances where saga_type = 'orderSaga' and saga_id = ?",
      [id],
    );
    // (A compensation timeout may follow if the answers are slow to come: that one is another timer.)
    const chargeTimeouts = (saga?.steps ?? []).filter(
      (step) => step.step === 'timeout' && /charge/.test(step.detail ?? ''),
    );
    expect(chargeTimeouts).toHaveLength(1);
    const firings = await query<{ message_id: string }>(
      next.trackops.orm,
      "select message_id from processed_messages where actor_type = 'orderSaga' and actor_id = ? and message_id like 'timer:%charging%'",
      [id],
    );
    expect(firings).toHaveLength(1);
    expect(firings[0]?.message_id).toContain('stepTimeout.orderSaga.charging');
  });
});
