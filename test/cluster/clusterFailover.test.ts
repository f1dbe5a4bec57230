import { describe, expect, it } from 'vitest';
import { exited } from '../support/childProcess.ts';
import { expectSettledConsistently, placeOrders, startCluster, stockSkus } from '../support/cluster.ts';

/** Three nodes share the actors; one is SIGKILLed while 300 orders are in flight, and restarted later. */
describe('when a node of three dies while 300 orders are in flight', () => {
  it('then every order settles, effects exist exactly once, and every actor history is contiguous', {
    timeout: 300_000,
  }, async () => {
    const started = await startCluster(['node-a', 'node-b', 'node-c']);
    const skus = await stockSkus(started.api, 4, 60);

    const ids = await placeOrders(started.api, skus, 150);
    const victim = started.nodes.get('node-b');
    victim?.kill('SIGKILL');
    if (victim) expect(await exited(victim)).toBe('SIGKILL');
    ids.push(...(await placeOrders(started.api, skus, 150)));
    await started.startNode('node-b');

    await expectSettledConsistently(started.api, { ids, skus, stockPerSku: 60 });
  });
});
