import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { runClosedLoop } from '../closedLoop.ts';
import { scrapeMetrics } from '../metricsScrape.ts';
import { histogramIncrease, histogramQuantile, type Sample, sumOf } from '../prometheus.ts';
import { planOrders } from '../workload.ts';
import { freshSkus } from './benchSkus.ts';
import type { MicroBenchmark } from './microContext.ts';

/**
 * (3) Outbox relay throughput and lag: a burst of orders created at 64 in flight without waiting for them; each
 * create and every saga step after it writes outbox rows. /metrics is read every 250 ms until the backlog is back
 * to zero and nothing more is published: published rows per second over that window, the peak backlog, and the
 * publish lag (turn -> Kafka) of those rows from the trackops_outbox_publish_lag_seconds histogram.
 */
const ORDERS = 500;
const SHIPPING = { street: '1 Bench St', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'US' };

export const outboxRelay: MicroBenchmark = {
  name: 'outbox',
  description: `outbox relay: ${ORDERS} orders created at once (64 in flight), rows/s, peak backlog, publish lag`,
  async run({ client, url, declineAboveCents, progress }) {
    const skus = await freshSkus(client, 'outbox', 100);
    const orders = planOrders(ORDERS, { skus, declinePercent: 10, declineAboveCents, seed: 3 });
    const before = await scrapeMetrics(url);
    const published = (samples: readonly Sample[]) => sumOf(samples, 'trackops_outbox_published_total');
    let peakBacklog = 0;
    let sampling = true;
    let last = before;
    let lastChangeAt = performance.now();
    const startedAt = performance.now();
    const sampler = (async () => {
      while (sampling) {
        await delay(250);
        const now = await scrapeMetrics(url).catch(() => last);
        if (published(now) !== published(last)) lastChangeAt = performance.now();
        peakBacklog = Math.max(peakBacklog, sumOf(now, 'trackops_outbox_backlog'));
        last = now;
      }
    })();
    progress.start('outbox burst', ORDERS);
    await runClosedLoop(ORDERS, 64, async (index) => {
      const order = orders[index];
      if (!order) return;
      await client.orders.create.mutate({
        customerId: randomUUID(),
        items: order.items.map((item) => ({ ...item })),
        shippingAddress: SHIPPING,
      });
      progress.increment();
    });
    progress.stop();
    const createdAt = performance.now();
    // Drained: no backlog and nothing published for 1.5 s (the sagas' later steps keep adding rows until then).
    while (
      (sumOf(last, 'trackops_outbox_backlog') > 0 || performance.now() - lastChangeAt < 1_500) &&
      performance.now() - startedAt < 120_000
    ) {
      await delay(250);
    }
    sampling = false;
    await sampler;
    const after = await scrapeMetrics(url);
    const rows = published(after) - published(before);
    const windowSeconds = (lastChangeAt - startedAt) / 1000;
    const lag = histogramIncrease(before, after, 'trackops_outbox_publish_lag_seconds');
    return {
      name: 'outbox',
      lines: [
        {
          label: `${ORDERS} orders burst`,
          count: rows,
          ratePerSecond: rows / windowSeconds,
          p50Ms: histogramQuantile(0.5, lag.buckets) * 1000,
          p99Ms: histogramQuantile(0.99, lag.buckets) * 1000,
          note: `rows published in ${windowSeconds.toFixed(1)} s; peak backlog ${peakBacklog}; creates took ${((createdAt - startedAt) / 1000).toFixed(1)} s; lag mean ${((lag.sum / Math.max(lag.count, 1)) * 1000).toFixed(1)} ms`,
        },
      ],
      details: { rows, windowSeconds, peakBacklog, lagCount: lag.count },
    };
  },
};
