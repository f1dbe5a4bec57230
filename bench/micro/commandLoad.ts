import { createEnvelope } from '../../actors/envelope.ts';
import type { TransportPort } from '../../actors/ports.ts';
import type { TrackOpsClient } from '../../api/client.ts';
import { runClosedLoop } from '../closedLoop.ts';
import { summarize } from '../stats.ts';
import type { MicroLine } from './microResult.ts';

/** Adds one unit to an item actor's stock and resolves once the turn is committed. */
export type Restock = (sku: string) => Promise<unknown>;

/**
 * Through the API: `actors.send` of `inventory.restock` (1 unit). tRPC -> the node hosting the item (in process
 * when the API's node hosts it, else a NATS request) -> mailbox -> transition -> one PostgreSQL statement -> Redis
 * -> reply; no read model query and no saga follows, so it is the runtime's own path and nothing else.
 */
export const restockThroughApi =
  (client: TrackOpsClient): Restock =>
  (sku) =>
    client.actors.send.mutate({
      type: 'inventoryItem',
      id: sku,
      event: { type: 'inventory.restock', quantity: 1 },
      sentBy: 'bench',
    });

/** Over NATS from another process: a request to the actor's subject, answered by the node that hosts it. */
export const restockOverNats =
  (transport: TransportPort): Restock =>
  (sku) =>
    transport.request(
      { type: 'inventoryItem', id: sku },
      createEnvelope({ type: 'inventory.restock', payload: { quantity: 1 }, sentBy: 'bench' }),
    );

export async function restockRoundTrips(
  restock: Restock,
  options: { label: string; skus: readonly string[]; count: number; inFlight: number },
): Promise<MicroLine> {
  const latencies: number[] = [];
  let errors = 0;
  const startedAt = performance.now();
  await runClosedLoop(options.count, options.inFlight, async (index) => {
    const sku = options.skus[index % options.skus.length] as string;
    const sentAt = performance.now();
    try {
      await restock(sku);
      latencies.push(performance.now() - sentAt);
    } catch {
      errors += 1;
    }
  });
  const seconds = (performance.now() - startedAt) / 1000;
  const summary = summarize(latencies);
  return {
    label: options.label,
    count: options.count,
    ratePerSecond: latencies.length / seconds,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
    ...(errors > 0 ? { note: `${errors} errors` } : {}),
  };
}

/** One restock to each item, 16 at a time: the items are live (and cached) before anything is measured. */
export const restockEachOnce = (
  restock: Restock,
  skus: readonly string[],
  label = 'warm-up',
): Promise<MicroLine> => restockRoundTrips(restock, { label, skus, count: skus.length, inFlight: 16 });
