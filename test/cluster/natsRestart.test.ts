import { execFileSync } from 'node:child_process';
import { afterAll, describe, it } from 'vitest';
import { ensureServices } from '../../scripts/services.ts';
import { expectSettledConsistently, placeOrders, startCluster, stockSkus } from '../support/cluster.ts';
import { testConfig } from '../support/testConfig.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * NATS restarts while orders are in flight: nodes reconnect, shard leases (kept on disk by JetStream) are renewed
 * or taken again, the router waits for the runtime instead of parking records, and every order settles once.
 */
afterAll(async () => {
  await ensureServices(testConfig());
});

describe('when NATS is restarted under load', () => {
  it('then the nodes reconnect and every order still settles consistently', {
    timeout: 300_000,
  }, async () => {
    const started = await startCluster(['nats-a', 'nats-b']);
    const skus = await stockSkus(started.api, 4, 60);
    const ids = await placeOrders(started.api, skus, 60);
    execFileSync('pkill', ['-TERM', '-x', 'nats-server']);
    await waitFor(async () => (await ensureServices(testConfig())) && true, {
      what: 'NATS back',
      timeoutMs: 30_000,
    });
    await waitFor(async () => (await started.api.client.health.ready.query()).ready, {
      what: 'the cluster ready again',
      timeoutMs: 60_000,
    });
    ids.push(...(await placeOrders(started.api, skus, 40)));
    await expectSettledConsistently(started.api, { ids, skus, stockPerSku: 60 });
  });
});
