import { freshSkus } from './benchSkus.ts';
import { restockRoundTrips } from './commandLoad.ts';
import type { MicroBenchmark } from './microContext.ts';

/** (1) One command round trip through tRPC -> NATS -> actor -> commit -> reply, at 1 and at 64 in flight. */
export const roundTrip: MicroBenchmark = {
  name: 'roundtrip',
  description:
    'command round trip (actors.send inventory.restock) at 1 and 64 in flight, over 100 item actors',
  async run({ client, progress }) {
    const skus = await freshSkus(client, 'roundtrip', 100);
    // Every actor once first, so the measured calls find them live (activation is micro-benchmark 2).
    await restockRoundTrips(client, { label: 'warm-up', skus, count: skus.length, inFlight: 16 });
    progress.start('roundtrip', 2);
    const one = await restockRoundTrips(client, { label: '1 in flight', skus, count: 500, inFlight: 1 });
    progress.increment();
    const many = await restockRoundTrips(client, { label: '64 in flight', skus, count: 3_000, inFlight: 64 });
    progress.increment();
    progress.stop();
    return { name: 'roundtrip', lines: [one, many] };
  },
};
