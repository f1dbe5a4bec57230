import type { TrackOpsClient } from '../../api/client.ts';
import { runClosedLoop } from '../closedLoop.ts';
import { summarize } from '../stats.ts';
import type { MicroLine } from './microResult.ts';

/**
 * One command round trip: `actors.send` of `inventory.restock` (1 unit) to an item actor. tRPC -> NATS request to
 * the node hosting the item -> mailbox -> transition -> one PostgreSQL transaction -> Redis -> reply; no read
 * model query and no saga follows, so it is the runtime's own path and nothing else.
 */
export async function restockRoundTrips(
  client: TrackOpsClient,
  options: { label: string; skus: readonly string[]; count: number; inFlight: number },
): Promise<MicroLine> {
  const latencies: number[] = [];
  let errors = 0;
  const startedAt = performance.now();
  await runClosedLoop(options.count, options.inFlight, async (index) => {
    const sku = options.skus[index % options.skus.length] as string;
    const sentAt = performance.now();
    try {
      await client.actors.send.mutate({
        type: 'inventoryItem',
        id: sku,
        event: { type: 'inventory.restock', quantity: 1 },
        sentBy: 'bench',
      });
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
