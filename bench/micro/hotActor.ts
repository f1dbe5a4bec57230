import { freshSkus } from './benchSkus.ts';
import { restockEachOnce, restockRoundTrips, restockThroughApi } from './commandLoad.ts';
import type { MicroBenchmark } from './microContext.ts';

/**
 * (5) Turns per second of one hot actor (its mailbox serialises every turn, so the rate is 1 / turn time) against
 * the same load spread over many actors (turns of different actors run side by side), both at 64 in flight.
 */
export const hotActor: MicroBenchmark = {
  name: 'hot-actor',
  description: 'turns/s of one actor vs 100 actors, 64 commands in flight',
  async run({ client, progress }) {
    const skus = await freshSkus(client, 'hot', 100);
    const restock = restockThroughApi(client);
    await restockEachOnce(restock, skus);
    progress.start('hot-actor', 2);
    const hot = await restockRoundTrips(restock, {
      label: 'one actor',
      skus: skus.slice(0, 1),
      count: 1_500,
      inFlight: 64,
    });
    progress.increment();
    const spread = await restockRoundTrips(restock, {
      label: '100 actors',
      skus,
      count: 3_000,
      inFlight: 64,
    });
    progress.increment();
    progress.stop();
    return { name: 'hot-actor', lines: [hot, spread] };
  },
};
