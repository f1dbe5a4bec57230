import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Message ids an actor has applied: a redelivery finds its id here and is acknowledged without being applied. */
export const ProcessedMessage = defineEntity({
  name: 'ProcessedMessage',
  tableName: 'processed_messages',
  properties: {
    actorType: p.text().primary(),
    actorId: p.text().primary(),
    messageId: p.text().primary(),
    processedAt: p.datetime().defaultRaw('now()'),
  },
});

export type ProcessedMessageRow = InferEntity<typeof ProcessedMessage>;
