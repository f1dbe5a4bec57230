import { connect } from '@nats-io/transport-node';
import { silentLogger } from '../../actors/ports.ts';
import { createNatsTransport } from '../../bridge/nats/natsTransport.ts';
import { freshSkus } from './benchSkus.ts';
import { restockEachOnce, restockOverNats, restockRoundTrips, restockThroughApi } from './commandLoad.ts';
import type { MicroBenchmark } from './microContext.ts';

/**
 * (1) One command round trip -> actor -> commit -> reply, at 1 and at 64 in flight: through the API (tRPC; the
 * node hands a message for an actor it hosts over in process) and over NATS from this process (the path a message
 * takes to an actor on another node).
 */
export const roundTrip: MicroBenchmark = {
  name: 'roundtrip',
  description:
    'command round trip (inventory.restock) at 1 and 64 in flight, over 100 item actors: tRPC, and a NATS request',
  async run({ client, config, progress }) {
    const skus = await freshSkus(client, 'roundtrip', 100);
    const api = restockThroughApi(client);
    // Every actor once first, so the measured calls find them live (activation is micro-benchmark 2).
    await restockEachOnce(api, skus);
    const nats = await connect({ servers: config.NATS_URL, name: 'trackops-bench' });
    try {
      const overNats = restockOverNats(
        createNatsTransport({
          connection: nats,
          namespace: config.TRACKOPS_NAMESPACE,
          logger: silentLogger,
          defaultTimeoutMs: config.COMMAND_TIMEOUT_MS,
          shards: config.SHARDS,
        }),
      );
      const cases = [
        { label: 'tRPC, 1 in flight', restock: api, count: 500, inFlight: 1 },
        { label: 'tRPC, 64 in flight', restock: api, count: 3_000, inFlight: 64 },
        { label: 'NATS request, 1 in flight', restock: overNats, count: 500, inFlight: 1 },
        { label: 'NATS request, 64 in flight', restock: overNats, count: 3_000, inFlight: 64 },
      ];
      progress.start('roundtrip', cases.length);
      const lines = [];
      for (const { restock, ...options } of cases) {
        lines.push(await restockRoundTrips(restock, { ...options, skus }));
        progress.increment();
      }
      progress.stop();
      return { name: 'roundtrip', lines };
    } finally {
      await nats.close();
    }
  },
};
