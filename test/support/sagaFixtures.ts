import type { TrackOpsClient } from '../../api/client.ts';
import { validOrderInput } from './fixtures.ts';
import { waitFor } from './waitFor.ts';

/** A fresh SKU with this much stock (unique per call, so tests never share stock). */
export async function stockedSku(client: TrackOpsClient, quantity: number, prefix = 'SKU'): Promise<string> {
  const sku = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  await client.inventory.items.create.mutate({
    sku,
    name: `${prefix} for a test`,
    quantity,
    lowStockThreshold: 0,
  });
  return sku;
}

/** An order for these SKU quantities (unit price 10.00 unless given). */
export function orderFor(
  lines: { sku: string; quantity: number; unitPrice?: string }[],
  overrides: Parameters<typeof validOrderInput>[0] = {},
) {
  return validOrderInput({
    items: lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice: unitPrice ?? '10.00' })),
    ...overrides,
  });
}

/** Waits until the order reaches one of these statuses; returns it. */
export async function settledOrder(
  client: TrackOpsClient,
  id: string,
  statuses: string[] = ['CONFIRMED', 'CANCELLED'],
  timeoutMs = 30_000,
) {
  return waitFor(
    async () => {
      const order = await client.orders.get.query({ id });
      return statuses.includes(order.status) && order;
    },
    { what: `order ${id} in ${statuses.join(' or ')}`, timeoutMs },
  );
}
