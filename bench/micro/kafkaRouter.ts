import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from '../../config.ts';
import { runClosedLoop } from '../closedLoop.ts';
import { scrapeMetrics } from '../metricsScrape.ts';
import { sumOf } from '../prometheus.ts';
import { confirmedOrders, freshSkus } from './benchSkus.ts';
import type { MicroBenchmark } from './microContext.ts';

/**
 * (4) Kafka -> event router -> NATS -> actor: orders brought to PROCESSING, then a batch of carrier records
 * produced to `shipment.events` at once (per order one PICKED_UP, which ships it, then IN_TRANSIT updates, all
 * keyed by order id so they stay in order). Timed until the router has persisted them all
 * (trackops_router_records_total on that topic); then one order is read back to see them applied.
 */
const ORDERS = 50;
const RECORDS = 2_000;

export const kafkaRouter: MicroBenchmark = {
  name: 'router',
  description: `Kafka -> router -> NATS -> actor: ${RECORDS} shipment.events records for ${ORDERS} orders`,
  async run({ client, url, config, declineAboveCents, progress }) {
    const skus = await freshSkus(client, 'router', 100);
    const orderIds = await confirmedOrders(client, skus, declineAboveCents, ORDERS);
    await runClosedLoop(ORDERS, 16, async (index) => {
      await client.orders.updateStatus.mutate({ id: orderIds[index] as string, status: 'PROCESSING' });
    });

    const route = 'shipment.events';
    // Produced to the deployment's topic; the router's metric names the route (the topic without its prefix).
    const topic = `${config.KAFKA_TOPIC_PREFIX}${route}`;
    const kafka = new Kafka({
      clientId: 'trackops-bench',
      brokers: kafkaBrokers(config),
      logLevel: logLevel.ERROR,
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const persisted = async () =>
        sumOf(await scrapeMetrics(url), 'trackops_router_records_total', {
          topic: route,
          outcome: 'persisted',
        });
      const start = await persisted();
      const perOrder = RECORDS / ORDERS;
      const messages = Array.from({ length: RECORDS }, (_, index) => {
        const orderId = orderIds[index % ORDERS] as string;
        const first = index < ORDERS;
        return {
          key: orderId,
          value: JSON.stringify({
            orderId,
            type: first ? 'PICKED_UP' : 'IN_TRANSIT',
            occurredAt: new Date(Date.now() + Math.floor(index / ORDERS)).toISOString(),
            location: `hub ${Math.floor(index / ORDERS)}`,
          }),
          headers: { 'message-id': randomUUID() },
        };
      });
      progress.start('router', RECORDS);
      const startedAt = performance.now();
      await producer.send({ topic, messages });
      const producedAt = performance.now();
      let done = 0;
      while (done < RECORDS && performance.now() - startedAt < 180_000) {
        await delay(200);
        const now = (await persisted().catch(() => start)) - start;
        for (; done < now && done < RECORDS; done += 1) progress.increment();
      }
      const seconds = (performance.now() - startedAt) / 1000;
      progress.stop();
      const sample = await client.orders.get.query({ id: orderIds[0] as string });
      return {
        name: 'router',
        lines: [
          {
            label: `${RECORDS} records, ${ORDERS} orders`,
            count: done,
            ratePerSecond: done / seconds,
            note: `produce took ${((producedAt - startedAt) / 1000).toFixed(2)} s; order 1 is ${sample.status} with ${sample.trackingEvents.length}/${perOrder} tracking events`,
          },
        ],
        details: { topic, persisted: done, seconds },
      };
    } finally {
      await producer.disconnect();
    }
  },
};
