import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS } from '../../actors/envelope.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { watchTopics } from '../support/kafkaRecords.ts';
import { query, queryOne } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

let sut: TestSystem;
let kafka: Awaited<ReturnType<typeof watchTopics>>;

beforeAll(async () => {
  sut = await startTestSystem({ router: false });
  kafka = await watchTopics(sut.brokers, [sut.topic('order.created')]);
});

afterAll(async () => {
  await kafka?.stop();
  await sut?.stop();
});

describe('when an order is created through the typed client', () => {
  it('then the order row, actor state and outbox row are committed together, and order.created reaches Kafka with every header', async () => {
    const input = validOrderInput();
    const order = await sut.client.orders.create.mutate(input);

    expect(order).toMatchObject({
      status: 'PENDING',
      totalAmount: '57.40',
      customerId: input.customerId,
      version: 1,
    });
    expect(order.items.map((item) => item.sku)).toEqual(['SKU-KEYBOARD', 'SKU-CABLE']);

    const { orm } = sut.trackops;
    const state = await queryOne<{ version: string; status: string }>(
      orm,
      'select version, machine_id, machine_version, status from actor_state where actor_type = ? and actor_id = ?',
      ['order', order.id],
    );
    expect(state).toMatchObject({ machine_id: 'order', machine_version: '1', status: 'PENDING' });
    expect(Number(state.version)).toBe(1);
    const outbox = await query<{ id: string }>(
      orm,
      'select id, type, aggregatetype from outbox_events where aggregateid = ?',
      [order.id],
    );
    expect(outbox).toEqual([expect.objectContaining({ type: 'order.created', aggregatetype: 'order' })]);
    const outboxId = outbox[0]?.id;
    const processed = await query(
      orm,
      'select message_id from processed_messages where actor_type = ? and actor_id = ?',
      ['order', order.id],
    );
    expect(processed).toEqual([{ message_id: `order.create:${order.id}` }]);
    const row = await queryOne(orm, 'select status, version from orders where id = ?', [order.id]);
    expect(row).toMatchObject({ status: 'PENDING' });

    const created = await queryOne<{ correlationId: string }>(
      orm,
      'select correlation_id as "correlationId" from actor_journal where actor_id = ? and version = 1',
      [order.id],
    );
    expect(created.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const [record] = await waitFor(() => kafka.byKey(order.id).length > 0 && kafka.byKey(order.id), {
      what: 'order.created in Kafka',
    });
    expect(record?.topic).toBe(sut.topic('order.created'));
    expect(record?.headers).toMatchObject({
      [HEADERS.messageId]: outboxId,
      // The API call's correlation id (made by the API, as this client sent none), the same as the journal's.
      [HEADERS.correlationId]: created.correlationId,
      [HEADERS.causationId]: `order.create:${order.id}`,
      [HEADERS.eventType]: 'order.created',
      [HEADERS.schemaVersion]: '1',
    });
    expect(Date.parse(record?.headers[HEADERS.producedAt] ?? '')).not.toBeNaN();
    expect(record?.value).toMatchObject({
      order: { orderId: order.id, customerId: input.customerId, totalCents: 5740 },
    });

    // Kafka acknowledges before the relay's transaction marks the row, so the mark may trail the record briefly.
    const published = await waitFor(
      async () => {
        const row = await queryOne<{ published_at: Date | null }>(
          orm,
          'select published_at from outbox_events where id = ?',
          [outboxId],
        );
        return row.published_at !== null && row;
      },
      { what: 'the row marked published', timeoutMs: 5000 },
    );
    expect(published.published_at).not.toBeNull();
  });

  it('then reading it back gives the same order, and a retried create with the same id returns it instead of a second one', async () => {
    const orderId = crypto.randomUUID();
    const first = await sut.client.orders.create.mutate(validOrderInput({ orderId }));
    const retry = await sut.client.orders.create.mutate(validOrderInput({ orderId }));
    const read = await sut.client.orders.get.query({ id: orderId });
    expect(retry.id).toBe(first.id);
    expect(read).toEqual(first);
    const outbox = await query(sut.trackops.orm, 'select id from outbox_events where aggregateid = ?', [
      orderId,
    ]);
    expect(outbox).toHaveLength(1);
  });
});
