import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** When a step fails, the saga undoes what it did, in reverse, and cancels the order with the reason. */
let sut: TestSystem;
const blockedCustomer = crypto.randomUUID();

beforeAll(async () => {
  sut = await startTestSystem({
    env: { PAYMENT_DECLINED_CUSTOMERS: blockedCustomer, PAYMENT_DECLINE_ABOVE: '10000.00' },
  });
});

afterAll(async () => {
  await sut?.stop();
});

const payments = (orderId: string) =>
  query<{ status: string; amount_cents: string; refunded_cents: string }>(
    sut.trackops.orm,
    'select status, amount_cents, refunded_cents from payments where order_id = ?',
    [orderId],
  );

async function stockOf(sku: string) {
  const item = await sut.client.inventory.items.get.query({ sku });
  return { available: item.available, reserved: item.reserved };
}

describe('when the payment is declined', () => {
  it('then the order is CANCELLED with the reason, both reservations are released, stock is restored, nothing is charged', async () => {
    const [first, second] = [await stockedSku(sut.client, 10), await stockedSku(sut.client, 10)];
    const { id } = await sut.client.orders.create.mutate(
      orderFor(
        [
          { sku: first, quantity: 3 },
          { sku: second, quantity: 4 },
        ],
        { customerId: blockedCustomer },
      ),
    );

    const order = await settledOrder(sut.client, id);
    expect(order.status).toBe('CANCELLED');
    expect(order.cancellationReason).toMatch(/payment declined/);
    await waitFor(
      async () => (await stockOf(first)).reserved === 0 && (await stockOf(second)).reserved === 0,
      { what: 'stock released' },
    );
    expect(await stockOf(first)).toEqual({ available: 10, reserved: 0 });
    expect(await stockOf(second)).toEqual({ available: 10, reserved: 0 });
    const reservations = await sut.client.inventory.reservations.list.query({ orderId: id });
    expect(reservations.map((r) => r.status)).toEqual(['released', 'released']);
    expect((await payments(id)).map((p) => p.status)).toEqual(['DECLINED']);
  });

  it('then an amount above the gateway limit is declined the same way', async () => {
    const sku = await stockedSku(sut.client, 5);
    const { id } = await sut.client.orders.create.mutate(
      orderFor([{ sku, quantity: 1, unitPrice: '10000.01' }]),
    );
    const order = await settledOrder(sut.client, id);
    expect(order.status).toBe('CANCELLED');
    expect(order.cancellationReason).toMatch(/payment declined.*10000\.00/);
  });
});

describe('when the second SKU is short of stock', () => {
  it('then the order is CANCELLED with the shortfall, the first reservation is released and nothing is charged', async () => {
    const [plenty, scarce] = [await stockedSku(sut.client, 10), await stockedSku(sut.client, 1)];
    const { id } = await sut.client.orders.create.mutate(
      orderFor([
        { sku: plenty, quantity: 2 },
        { sku: scarce, quantity: 3 },
      ]),
    );

    const order = await settledOrder(sut.client, id);
    expect(order.status).toBe('CANCELLED');
    expect(order.cancellationReason).toContain(`insufficient stock for ${scarce}`);
    expect(order.cancellationReason).toMatch(/shortfall 2/);
    await waitFor(async () => (await stockOf(plenty)).reserved === 0, { what: 'first reservation released' });
    expect(await stockOf(plenty)).toEqual({ available: 10, reserved: 0 });
    expect(await stockOf(scarce)).toEqual({ available: 1, reserved: 0 });
    expect(await payments(id)).toEqual([]);
  });
});

describe('when an order names a SKU that does not exist', () => {
  it('then the router answers for the missing item and the saga cancels the order, without waiting for its timeout', async () => {
    const real = await stockedSku(sut.client, 3);
    const { id } = await sut.client.orders.create.mutate(
      orderFor([
        { sku: real, quantity: 1 },
        { sku: `GHOST-${crypto.randomUUID()}`, quantity: 1 },
      ]),
    );
    const order = await settledOrder(sut.client, id, ['CANCELLED'], 20_000);
    expect(order.cancellationReason).toMatch(/GHOST/);
    await waitFor(async () => (await stockOf(real)).reserved === 0, { what: 'the real SKU released' });
  });
});
