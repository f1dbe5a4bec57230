import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS } from '../../actors/envelope.ts';
import { EVENT_TOPICS } from '../../bridge/kafka/topics.ts';
import { watchTopics } from '../support/kafkaRecords.ts';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { ADMIN_HEADERS } from '../support/testConfig.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * What an operator sees: Prometheus counters that move when a saga runs, and one correlation id that follows an
 * order from the API call through NATS, the outbox, Kafka and the journal.
 */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem();
});

afterAll(async () => {
  await sut?.stop();
});

/** The value of one series in a Prometheus text page (labels matched as given, in any order). */
function sample(page: string, metric: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of page.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    if (!Object.entries(labels).every(([name, value]) => line.includes(`${name}="${value}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const scrape = async () => (await fetch(`${sut.trackops.url}/metrics`)).text();

/** Posts orders.create with a correlation id of the caller's, the way any HTTP client would. */
async function createOrderWith(
  correlationId: string,
  input: unknown,
): Promise<{ id: string; echoed: string }> {
  const response = await fetch(`${sut.trackops.url}/trpc/orders.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...ADMIN_HEADERS },
    body: JSON.stringify(input),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { result: { data: { id: string } } };
  return { id: body.result.data.id, echoed: response.headers.get('x-correlation-id') ?? '' };
}

describe('when a saga runs', () => {
  it('then the Prometheus counters and histograms it touches have moved', async () => {
    const before = await scrape();
    const sku = await stockedSku(sut.client, 5);
    const { id } = await sut.client.orders.create.mutate(orderFor([{ sku, quantity: 1 }]));
    await settledOrder(sut.client, id, ['CONFIRMED']);
    const after = await waitFor(
      async () => {
        const page = await scrape();
        return (
          sample(page, 'trackops_saga_duration_seconds_count', { saga: 'orderSaga' }) >
            sample(before, 'trackops_saga_duration_seconds_count', { saga: 'orderSaga' }) && page
        );
      },
      { what: 'the saga duration observed' },
    );
    const moved = (metric: string, labels: Record<string, string> = {}) =>
      sample(after, metric, labels) - sample(before, metric, labels);
    expect(moved('trackops_turns_total', { actor_type: 'orderSaga' })).toBeGreaterThanOrEqual(3);
    expect(moved('trackops_turns_total', { actor_type: 'payment' })).toBeGreaterThanOrEqual(1);
    expect(moved('trackops_turn_duration_seconds_count', { actor_type: 'order' })).toBeGreaterThanOrEqual(2);
    expect(
      moved('trackops_saga_duration_seconds_count', { saga: 'orderSaga', outcome: 'confirmed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(moved('trackops_outbox_published_total')).toBeGreaterThanOrEqual(4);
    expect(moved('trackops_outbox_publish_lag_seconds_count')).toBeGreaterThanOrEqual(4);
    expect(moved('trackops_router_records_total', { outcome: 'persisted' })).toBeGreaterThanOrEqual(3);
    expect(
      moved('trackops_trpc_request_duration_seconds_count', { procedure: 'orders.create', code: 'ok' }),
    ).toBe(1);
    expect(moved('trackops_actor_activations_total')).toBeGreaterThanOrEqual(3);
    // Readings taken at scrape time are there, for every node and routed topic.
    expect(after).toMatch(/^trackops_mailbox_depth\{node="[^"]+"\} \d+$/m);
    expect(after).toMatch(/^trackops_outbox_backlog\{node="[^"]+"\} \d+$/m);
    expect(sample(after, 'trackops_live_actors')).toBeGreaterThan(0);
    expect(
      sample(after, 'trackops_http_request_duration_seconds_count', { route: 'trpc', status: '200' }),
    ).toBeGreaterThan(0);
    const lagLine = after
      .split('\n')
      .find(
        (line) =>
          line.startsWith('trackops_consumer_lag{') && line.includes(`topic="${sut.topic('order.created')}"`),
      );
    expect(lagLine).toMatch(/ \d+$/);
  });

  it('then a failing call is counted under its error code', async () => {
    const before = await scrape();
    await expect(sut.client.orders.get.query({ id: crypto.randomUUID() })).rejects.toThrow();
    const after = await scrape();
    expect(
      sample(after, 'trackops_trpc_request_duration_seconds_count', {
        procedure: 'orders.get',
        code: 'NOT_FOUND',
      }) -
        sample(before, 'trackops_trpc_request_duration_seconds_count', {
          procedure: 'orders.get',
          code: 'NOT_FOUND',
        }),
    ).toBe(1);
  });
});

describe('when a caller sends its own correlation id', () => {
  it('then the same id is on the NATS-borne turns, the outbox, every Kafka record and the journal', async () => {
    const correlationId = `trace-${crypto.randomUUID()}`;
    const watcher = await watchTopics(
      sut.brokers,
      EVENT_TOPICS.map((topic) => sut.topic(topic)),
    );
    try {
      const sku = await stockedSku(sut.client, 5);
      const { id, echoed } = await createOrderWith(correlationId, orderFor([{ sku, quantity: 1 }]));
      expect(echoed).toBe(correlationId);
      await settledOrder(sut.client, id, ['CONFIRMED']);

      // The journal: every actor the order touched, each turn under the caller's id.
      const trace = await waitFor(
        async () => {
          const entries = await sut.client.actors.trace.query({ correlationId });
          const types = new Set(entries.map((entry) => entry.actorType));
          const complete = ['order', 'orderSaga', 'inventoryItem', 'payment'].every((type) =>
            types.has(type),
          );
          return complete && entries.some((entry) => entry.messageType === 'order.confirm') && entries;
        },
        { what: 'the journal entries of the whole saga' },
      );
      expect(trace[0]).toMatchObject({
        actorType: 'order',
        actorId: id,
        version: 1,
        messageType: 'order.create',
      });

      // The outbox: every event the saga's turns emitted.
      const outbox = await query<{ type: string; correlation: string }>(
        sut.trackops.orm,
        `select type, headers->>'correlationId' as correlation from outbox_events
          where aggregateid in (?, ?) order by seq`,
        [id, sku],
      );
      const fromThisOrder = outbox.filter((row) => row.correlation === correlationId).map((row) => row.type);
      expect(fromThisOrder).toEqual(
        expect.arrayContaining(['order.created', 'inventory.reserve', 'payment.charge', 'order.confirm']),
      );

      // Kafka: each of those events, published with the id in its headers.
      const records = await waitFor(
        () => {
          const ours = watcher.seen.filter(
            (record) => record.headers[HEADERS.correlationId] === correlationId,
          );
          const topics = new Set(ours.map((record) => record.topic));
          return fromThisOrder.every((type) => topics.has(sut.topic(type))) && ours;
        },
        { what: 'every event of the order on Kafka with the correlation id' },
      );
      expect(records.length).toBeGreaterThanOrEqual(fromThisOrder.length);
    } finally {
      await watcher.stop();
    }
  });
});

describe('when a client batches calls without a correlation id', () => {
  it('then each call starts a flow of its own', async () => {
    const [first, second] = await Promise.all([
      sut.client.orders.create.mutate(orderFor([{ sku: 'SKU-NONE-1', quantity: 1 }])),
      sut.client.orders.create.mutate(orderFor([{ sku: 'SKU-NONE-2', quantity: 1 }])),
    ]);
    const ids = await query<{ correlation_id: string }>(
      sut.trackops.orm,
      "select correlation_id from actor_journal where actor_type = 'order' and version = 1 and actor_id in (?, ?)",
      [first.id, second.id],
    );
    expect(new Set(ids.map((row) => row.correlation_id)).size).toBe(2);
  });
});
