import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Headers of an outbox row: the envelope fields that are not its id, type or payload. */
export interface OutboxHeaders {
  correlationId: string;
  causationId?: string;
  schemaVersion: number;
  occurredAt: string;
}

/**
 * A message waiting to be published to Kafka. The first five columns carry the names Debezium's outbox event
 * router expects, so a deployment can switch from the polling relay to CDC without touching this table.
 */
export const OutboxEvent = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_events',
  properties: {
    id: p.uuid().primary(),
    aggregateType: p.text().fieldName('aggregatetype'),
    aggregateId: p.text().fieldName('aggregateid'),
    /** The event type, which is also the Kafka topic. */
    type: p.text(),
    payload: p.json<unknown>().nullable(),
    /** Publish order: ids are random, so the relay reads rows by this sequence instead. */
    seq: p.bigint('number').autoincrement(),
    headers: p.json<OutboxHeaders>(),
    createdAt: p.datetime().defaultRaw('now()'),
    publishedAt: p.datetime().nullable(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
  },
  indexes: [
    {
      // Partial: the relay only ever scans unpublished rows, which stay few while published ones pile up.
      name: 'outbox_events_unpublished_seq_idx',
      properties: ['seq'],
      expression:
        'create index "outbox_events_unpublished_seq_idx" on "outbox_events" ("seq") where "published_at" is null',
    },
    {
      // Partial too: what retention (db/retention.ts) walks to delete published rows, oldest first.
      name: 'outbox_events_published_at_idx',
      properties: ['publishedAt'],
      expression:
        'create index "outbox_events_published_at_idx" on "outbox_events" ("published_at") where "published_at" is not null',
    },
  ],
});

export type OutboxEventRow = InferEntity<typeof OutboxEvent>;
