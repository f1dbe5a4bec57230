import { Kvm } from '@nats-io/kv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectSettledConsistently,
  placeOrders,
  startCluster,
  stockSkus,
  type TestCluster,
} from '../support/cluster.ts';
import { waitFor } from '../support/waitFor.ts';

/** A node joins a busy cluster: it takes over its share of the shards, and no message is lost or applied twice. */
let cluster: TestCluster | undefined;

afterAll(async () => {
  await cluster?.stop();
});

describe('when a node joins under load', () => {
  it('then shards rebalance onto it and every order still settles consistently', {
    timeout: 300_000,
  }, async () => {
    const started = await startCluster(['join-a', 'join-b']);
    cluster = started;
    const skus = await stockSkus(started.api, 4, 60);
    const first = placeOrders(started.api, skus, 100);
    await started.startNode('join-c');
    const ids = [...(await first), ...(await placeOrders(started.api, skus, 100))];

    const kv = await new Kvm(started.api.trackops.nats).open(
      `${started.api.config.TRACKOPS_NAMESPACE}_leases`,
    );
    await waitFor(
      async () => {
        let held = 0;
        for await (const key of await kv.keys()) if ((await kv.get(key))?.string() === 'join-c') held += 1;
        return held >= 10;
      },
      { what: 'the new node holding its share of the shards' },
    );
    await expectSettledConsistently(started.api, { ids, skus, stockPerSku: 60 });
  });
});
