import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** A customer cancel of a confirmed order: the cancellation saga releases the stock and refunds, each exactly once. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem();
});

afterAll(async () => {
  await sut?.stop();
});

async function confirmedOrder(sku: string): Promise<string> {
  const { id } = await sut.client.orders.create.mutate(orderFor([{ sku, quantity: 2 }]));
  expect((await settledOrder(sut.client, id)).status).toBe('CONFIRMED');
  return id;
}

describe('when a CONFIRMED order is cancelled by the customer', () => {
  it('then it is CANCELLED at once, and its stock is released and its payment refunded exactly once', async () => {
    const sku = await stockedSku(sut.client, 10);
    const id = await confirmedOrder(sku);
    const cancelled = await sut.client.orders.cancel.mutate({ id, reason: 'customer changed their mind' });
    expect(cancelled.status).toBe('CANCELLED');

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
    expect(await sut.client.inventory.items.get.query({ sku })).toMatchObject({ available: 10, reserved: 0 });
    const [payment] = await query<{ status: string; amount_cents: string; refunded_cents: string }>(
      sut.trackops.orm,
      'select status, amount_cents, refunded_cents from payments where order_id = ?',
      [id],
    );
    expect(payment?.status).toBe('REFUNDED');
    expect(Number(payment?.refunded_cents)).toBe(Number(payment?.amount_cents));
    const refunds = await query<{ n: number }>(
      sut.trackops.orm,
      "select count(*)::int as n from outbox_events where aggregateid = ? and type = 'payment.refunded'",
      [id],
    );
    expect(refunds[0]?.n).toBe(1);
  });
});

describe('when a SHIPPED order is cancelled', () => {
  it('then the cancel is refused with CONFLICT and nothing is undone', async () => {
    const sku = await stockedSku(sut.client, 10);
    const id = await confirmedOrder(sku);
    await sut.client.orders.updateStatus.mutate({ id, status: 'PROCESSING' });
    await sut.client.orders.updateStatus.mutate({ id, status: 'SHIPPED' });
    const refused = await sut.client.orders.cancel
      .mutate({ id, reason: 'too late' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<never>).data).toMatchObject({ code: 'CONFLICT' });
    expect((await sut.client.orders.get.query({ id })).status).toBe('SHIPPED');
    // Shipping committed the reserved stock (it left the warehouse); the refused cancel undid nothing.
    await waitFor(async () => (await sut.client.inventory.items.get.query({ sku })).reserved === 0, {
      what: 'the shipped stock committed',
    });
    expect(await sut.client.inventory.items.get.query({ sku })).toMatchObject({ available: 8, reserved: 0 });
    const [reservation] = await sut.client.inventory.reservations.list.query({ orderId: id });
    expect(reservation).toMatchObject({ sku, quantity: 2, status: 'committed' });
  });
});
