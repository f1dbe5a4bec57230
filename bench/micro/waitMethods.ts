import { WAIT_METHOD_LABELS, type WaitMethod } from '../orderWaiter.ts';
import { createProgress } from '../progress.ts';
import { runSagaWorkload } from '../sagaRun.ts';
import type { MicroBenchmark } from './microContext.ts';
import type { MicroLine } from './microResult.ts';

/**
 * How the saga bench waits for an order's outcome, measured rather than assumed: a short saga run with the
 * `orders.track` subscription (SSE), the `orders.awaitStatus` long poll, and one polling `orders.get` every 10 ms,
 * at 16 and 64 clients. The waiting method must not be what limits the result; the load generator's CPU shows what
 * each costs the client.
 */
const ORDERS = 200;
const METHODS: readonly WaitMethod[] = ['track', 'await', 'poll'];
const POLL_MS = 10;

export const waitMethods: MicroBenchmark = {
  name: 'wait-methods',
  description: `orders.track (SSE) vs orders.awaitStatus vs polling orders.get every ${POLL_MS} ms: ${ORDERS} sagas at C=16 and C=64`,
  async run({ url, apiKey, kafkaPort, config, declineAboveCents, progress }) {
    const lines: MicroLine[] = [];
    for (const concurrency of [16, 64]) {
      for (const wait of METHODS) {
        progress.start(`wait-methods C=${concurrency} ${wait}`, 1);
        const result = await runSagaWorkload({
          url,
          apiKey,
          kafkaPort,
          namespace: config.TRACKOPS_NAMESPACE,
          concurrency,
          declinePercent: 10,
          declineAboveCents,
          orders: ORDERS,
          warmup: 20,
          run: 1,
          wait,
          pollMs: POLL_MS,
          orderTimeoutMs: 60_000,
          progress: createProgress(true),
        });
        progress.increment();
        progress.stop();
        lines.push({
          label: `C=${concurrency} ${wait === 'poll' ? `poll ${POLL_MS} ms` : WAIT_METHOD_LABELS[wait]}`,
          count: result.completed,
          ratePerSecond: result.sagasPerSecond,
          p50Ms: result.createToCompletedMs.p50,
          p99Ms: result.createToCompletedMs.p99,
          note: `loadgen ${result.cpu.cores.loadgen.toFixed(2)} cores, runtime ${result.cpu.cores.runtime.toFixed(2)}, pg ${result.cpu.cores.postgres.toFixed(2)}; errors ${result.errors}, wrong ${result.wrongOutcomes}`,
        });
      }
    }
    return { name: 'wait-methods', lines };
  },
};
