import { setTimeout as delay } from 'node:timers/promises';
import type { TrackOpsClient } from '../api/client.ts';
import type { FinalStatus } from './orderWaiter.ts';

/**
 * Stock and reservations after a run, checked against what the orders' outcomes imply. Nothing is shipped in this
 * workload, so nothing is committed; for every SKU of the run:
 * - each CONFIRMED order holds its units: one `held` reservation per (order, SKU), and `reserved` = their sum;
 * - each CANCELLED order holds nothing: its reservation of the SKU is `released` (the saga compensated);
 * - no reservation is `committed` or `failed` (stock is ample), and there are no reservations of other orders;
 * - `available` + `reserved` = the initial stock (no unit lost or created).
 */
export interface SettledOrder {
  readonly orderId: string;
  readonly skus: readonly string[];
  readonly quantity: number;
  /** What the order ended as; undefined when it was never created. */
  readonly status: FinalStatus | undefined;
}

export interface ObservedSku {
  readonly sku: string;
  readonly available: number;
  readonly reserved: number;
  readonly reservations: readonly { orderId: string; quantity: number; status: string }[];
}

export function stockProblems(
  orders: readonly SettledOrder[],
  observed: readonly ObservedSku[],
  initialStock: number,
): string[] {
  const problems: string[] = [];
  const ordersBySku = new Map<string, SettledOrder[]>();
  for (const order of orders) {
    if (order.status === undefined) continue;
    for (const sku of order.skus) ordersBySku.set(sku, [...(ordersBySku.get(sku) ?? []), order]);
  }
  for (const item of observed) {
    const expected = ordersBySku.get(item.sku) ?? [];
    const held = expected.filter((order) => order.status === 'CONFIRMED');
    const heldUnits = held.reduce((sum, order) => sum + order.quantity, 0);
    if (item.reserved !== heldUnits) {
      problems.push(`${item.sku}: reserved ${item.reserved}, but its CONFIRMED orders hold ${heldUnits}`);
    }
    if (item.available + item.reserved !== initialStock) {
      problems.push(
        `${item.sku}: available ${item.available} + reserved ${item.reserved} != initial stock ${initialStock}`,
      );
    }
    const reservationOf = new Map(item.reservations.map((reservation) => [reservation.orderId, reservation]));
    for (const order of expected) {
      const reservation = reservationOf.get(order.orderId);
      const want = order.status === 'CONFIRMED' ? 'held' : 'released';
      if (reservation?.status !== want) {
        problems.push(
          `${item.sku}: order ${order.orderId} is ${order.status} but its reservation is ${reservation?.status ?? 'missing'} (expected ${want})`,
        );
      }
    }
    const known = new Set(expected.map((order) => order.orderId));
    for (const reservation of item.reservations) {
      if (!known.has(reservation.orderId)) {
        problems.push(
          `${item.sku}: reservation (${reservation.status}) of unknown order ${reservation.orderId}`,
        );
      }
    }
  }
  return problems;
}

async function observeSkus(client: TrackOpsClient, skus: readonly string[]): Promise<ObservedSku[]> {
  return Promise.all(
    skus.map(async (sku) => {
      const [item, reservations] = await Promise.all([
        client.inventory.items.get.query({ sku }),
        client.inventory.reservations.list.query({ sku }),
      ]);
      return { sku, available: item.available, reserved: item.reserved, reservations };
    }),
  );
}

/**
 * Compensations (releases) finish shortly after a declined order is CANCELLED, so the check is repeated until it
 * holds or `settleMs` passes; the problems of the last attempt are the answer.
 */
export async function checkStock(
  client: TrackOpsClient,
  skus: readonly string[],
  orders: readonly SettledOrder[],
  options: { initialStock: number; settleMs: number },
): Promise<{ problems: string[]; checkedSkus: number; waitedMs: number }> {
  const startedAt = performance.now();
  for (;;) {
    const problems = stockProblems(orders, await observeSkus(client, skus), options.initialStock);
    const waitedMs = Math.round(performance.now() - startedAt);
    if (problems.length === 0 || waitedMs > options.settleMs)
      return { problems, checkedSkus: skus.length, waitedMs };
    await delay(500);
  }
}
