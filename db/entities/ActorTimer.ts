import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A durable timer (a delayed XState event), written in the same transaction as the turn that set it and deleted by
 * the turn that cancels it. The timer service claims due rows for a lease (`claimed_until`) and delivers them as
 * ordinary messages, so a timer fires after a restart, and fires once.
 */
export const ActorTimer = defineEntity({
  name: 'ActorTimer',
  tableName: 'actor_timers',
  properties: {
    actorType: p.text().primary(),
    actorId: p.text().primary(),
    timerId: p.text().primary(),
    eventType: p.text(),
    dueAt: p.datetime().index('actor_timers_due_at_idx'),
    /** The id the firing is delivered with: unique per scheduling, so a redelivered firing is applied once. */
    messageId: p.text(),
    claimedUntil: p.datetime().nullable(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});

export type ActorTimerRow = InferEntity<typeof ActorTimer>;
