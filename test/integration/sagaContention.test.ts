import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderFor, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** One SKU actor serializes every reservation: it never oversells, whatever the concurrency. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem();
});

afterAll(async () => {
  await sut?.stop();
});

describe('when 200 orders compete for 50 units of one SKU', () => {
  it('then exactly 50 units are reserved by confirmed orders, stock never goes negative, every other order is cancelled with the shortfall', {
    timeout: 240_000,
  }, async () => {
    const sku = await stockedSku(sut.client, 50, 'HOT');
    const ids = await Promise.all(
      Array.from({ length: 200 }, () =>
        sut.client.orders.create.mutate(orderFor([{ sku, quantity: 1 }])).then((order) => order.id),
      ),
    );

    await waitFor(
      async () => {
        const [settled] = await query<{ n: number }>(
          sut.trackops.orm,
          "select count(*)::int as n from orders where id in (?) and status in ('CONFIRMED', 'CANCELLED')",
          [ids],
        );
        return settled?.n === ids.length;
      },
      { what: 'all 200 orders settled', timeoutMs: 180_000, intervalMs: 500 },
    );
    const orders = await Promise.all(ids.map((id) => sut.client.orders.get.query({ id })));
    const confirmed = orders.filter((order) => order.status === 'CONFIRMED');
    const cancelled = orders.filter((order) => order.status === 'CANCELLED');
    expect(confirmed).toHaveLength(50);
    expect(cancelled).toHaveLength(150);
    for (const order of cancelled)
      expect(order.cancellationReason).toMatch(/insufficient stock.*shortfall 1/);

    const item = await sut.client.inventory.items.get.query({ sku });
    expect(item).toMatchObject({ available: 0, reserved: 50 });
    const held = await query<{ order_id: string }>(
      sut.trackops.orm,
      "select order_id from inventory_reservations where sku = ? and status = 'held'",
      [sku],
    );
    expect(new Set(held.map((row) => row.order_id))).toEqual(new Set(confirmed.map((order) => order.id)));
  });
});
