import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A mirror of every record parked on a `<topic>.dlq`, so an operator can list, inspect and redrive dead letters
 * without a Kafka console. The DLQ topic stays the durable copy; this row tracks what was done about it.
 */
export const DeadLetter = defineEntity({
  name: 'DeadLetter',
  tableName: 'dead_letters',
  properties: {
    id: p.uuid().primary(),
    /** Base name of the topic the record came from (without the deployment prefix). */
    topic: p.text(),
    partition: p.integer(),
    offset: p.text(),
    key: p.text().nullable(),
    value: p.text().nullable(),
    headers: p.json<Record<string, string>>(),
    reasonCode: p.text(),
    reason: p.text(),
    attempts: p.integer(),
    status: p.text().$type<'parked' | 'redriven' | 'redrive_failed'>().default('parked'),
    failedAt: p.datetime(),
    redriveCount: p.integer().default(0),
    redrivenAt: p.datetime().nullable(),
    lastRedriveError: p.text().nullable(),
  },
  indexes: [
    { name: 'dead_letters_topic_status_idx', properties: ['topic', 'status'] },
    { name: 'dead_letters_failed_at_idx', properties: ['failedAt'] },
  ],
  uniques: [{ name: 'dead_letters_source_unique', properties: ['topic', 'partition', 'offset'] }],
});

export type DeadLetterRow = InferEntity<typeof DeadLetter>;
