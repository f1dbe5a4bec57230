import { randomUUID } from 'node:crypto';
import type { TrackOpsClient } from '../../api/client.ts';
import { runClosedLoop } from '../closedLoop.ts';
import { waitForFinalStatus } from '../orderWaiter.ts';
import { createSkus } from '../sagaRun.ts';
import { planOrders, skuNames } from '../workload.ts';

/** Fresh SKUs with ample stock for one micro-benchmark (a unique prefix, so runs never share an actor). */
export async function freshSkus(client: TrackOpsClient, name: string, count: number): Promise<string[]> {
  const skus = skuNames(`micro-${name}-${Date.now().toString(36)}`, count);
  await createSkus(client, skus);
  return skus;
}

const SHIPPING = { street: '1 Bench St', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'US' };

/** `count` orders of the workload (no declines) created and awaited until CONFIRMED; returns their ids. */
export async function confirmedOrders(
  client: TrackOpsClient,
  skus: readonly string[],
  declineAboveCents: number,
  count: number,
): Promise<string[]> {
  const planned = planOrders(count, { skus, declinePercent: 0, declineAboveCents, seed: count });
  const ids = planned.map(() => randomUUID());
  await runClosedLoop(count, 16, async (index) => {
    const id = ids[index] as string;
    const order = planned[index];
    if (!order) return;
    await client.orders.create.mutate({
      orderId: id,
      customerId: randomUUID(),
      items: order.items.map((item) => ({ ...item })),
      shippingAddress: SHIPPING,
    });
    const status = await waitForFinalStatus(client, id, { method: 'track', timeoutMs: 60_000, pollMs: 50 });
    if (status !== 'CONFIRMED') throw new Error(`order ${id} ended ${status}, expected CONFIRMED`);
  });
  return ids;
}
