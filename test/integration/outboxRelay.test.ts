import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../actors/ports.ts';
import { createOutboxRelay, type OutboxRelay } from '../../bridge/kafka/outboxRelay.ts';
import { createTopicNames } from '../../bridge/kafka/topics.ts';
import { createOutboxStore, listenForOutbox } from '../../db/outboxStore.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { watchTopics } from '../support/kafkaRecords.ts';
import { query, queryOne } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** The relay is woken by NOTIFY (not by polling) and marks rows published only once Kafka acknowledged them. */
let sut: TestSystem;
let relay: OutboxRelay;
let producer: ReturnType<TestSystem['trackops']['kafka']['producer']>;

beforeAll(async () => {
  sut = await startTestSystem({ router: false, relay: false });
  producer = sut.trackops.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  relay = createOutboxRelay({
    store: createOutboxStore(sut.trackops.orm),
    producer,
    names: createTopicNames(sut.config.KAFKA_TOPIC_PREFIX),
    logger: silentLogger,
    batchSize: 50,
    // An hour: anything published within the test was woken by NOTIFY, not by this poll.
    safetyPollMs: 3_600_000,
    listen: (handlers) => listenForOutbox(sut.config.DATABASE_URL, handlers),
  });
  await relay.start();
});

afterAll(async () => {
  await relay?.stop();
  await producer?.disconnect();
  await sut?.stop();
});

describe('when a turn commits outbox rows', () => {
  it('then the relay is woken by NOTIFY and publishes them without waiting for a poll', async () => {
    const kafka = await watchTopics(sut.brokers, [sut.topic('order.created')]);
    try {
      const { id } = await sut.client.orders.create.mutate(validOrderInput());
      await waitFor(() => kafka.byKey(id).length === 1, {
        what: 'order.created published',
        timeoutMs: 15_000,
      });
      // Kafka acknowledges before the relay's transaction marks the row, so the mark may trail the record briefly.
      const row = await waitFor(
        async () => {
          const marked = await queryOne<{ published_at: Date | null }>(
            sut.trackops.orm,
            'select published_at from outbox_events where aggregateid = ?',
            [id],
          );
          return marked.published_at !== null && marked;
        },
        { what: 'the row marked published', timeoutMs: 5000 },
      );
      expect(row.published_at).not.toBeNull();
    } finally {
      await kafka.stop();
    }
  });
});

describe('when Kafka refuses a batch', () => {
  it('then its rows stay unpublished with the attempt and the error recorded, and are published once Kafka accepts', async () => {
    const id = crypto.randomUUID();
    const aggregate = crypto.randomUUID();
    const { orm } = sut.trackops;
    // A row for a topic that does not exist (the broker does not auto-create topics): Kafka refuses it.
    await orm.em
      .fork()
      .execute(
        `insert into outbox_events (id, aggregatetype, aggregateid, type, payload, headers) values (?, 'order', ?, 'no.such.topic', '{}', ?)`,
        [
          id,
          aggregate,
          JSON.stringify({ correlationId: id, schemaVersion: 1, occurredAt: new Date().toISOString() }),
        ],
      );
    try {
      await orm.em.fork().execute(`select pg_notify('trackops_outbox', '')`);
      const failed = await waitFor(
        async () => {
          const row = await queryOne<{
            attempts: number;
            last_error: string | null;
            published_at: Date | null;
          }>(orm, 'select attempts, last_error, published_at from outbox_events where id = ?', [id]);
          return row.attempts > 0 && row;
        },
        { what: 'the failure recorded on the row' },
      );
      expect(failed.published_at).toBeNull();
      expect(failed.last_error).toMatch(/outbox rows failed/);
    } finally {
      await orm.em.fork().execute('delete from outbox_events where id = ?', [id]);
    }
    // With the poison row gone, the rest of the outbox flows again.
    const { id: orderId } = await sut.client.orders.create.mutate(validOrderInput());
    await waitFor(
      async () => {
        const rows = await query<{ published_at: Date | null }>(
          orm,
          'select published_at from outbox_events where aggregateid = ?',
          [orderId],
        );
        return rows[0]?.published_at != null;
      },
      { what: 'the next order published', timeoutMs: 30_000 },
    );
  });
});
