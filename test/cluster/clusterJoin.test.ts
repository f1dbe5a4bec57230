import { describe, it } from 'vitest';
import {
  expectSettledConsistently,
  leaseHolders,
  placeOrders,
  startCluster,
  stockSkus,
} from '../support/cluster.ts';
import { waitFor } from '../support/waitFor.ts';

/** A node joins a busy cluster: it takes over its share of the shards, and no message is lost or applied twice. */
describe('when a node joins under load', () => {
  it('then shards rebalance onto it and every order still settles consistently', {
    timeout: 300_000,
  }, async () => {
    const started = await startCluster(['join-a', 'join-b']);
    const skus = await stockSkus(started.api, 4, 60);
    const first = placeOrders(started.api, skus, 100);
    await started.startNode('join-c');
    const ids = [...(await first), ...(await placeOrders(started.api, skus, 100))];

    await waitFor(
      async () =>
        [...(await leaseHolders(started.api)).values()].filter((node) => node === 'join-c').length >= 10,
      { what: 'the new node holding its share of the shards' },
    );
    await expectSettledConsistently(started.api, { ids, skus, stockPerSku: 60 });
  });
});
