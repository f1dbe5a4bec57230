import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { PersistedSnapshot } from '../../actors/ports.ts';

/**
 * One row per committed turn, written in the turn's own transaction: what came in, what the state was before and
 * after, what went out, where and how long. The visualizer's timeline, time travel and `trackops actors inspect`
 * read it; `JOURNAL_RETENTION_HOURS` bounds it.
 */
export const ActorJournal = defineEntity({
  name: 'ActorJournal',
  tableName: 'actor_journal',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    actorType: p.text(),
    actorId: p.text(),
    version: p.integer(),
    messageId: p.text(),
    messageType: p.text(),
    correlationId: p.text(),
    causationId: p.text().nullable(),
    /** Who sent the message when it was not the system itself (an operator's `actors send`). */
    sentBy: p.text().nullable(),
    /** Readable state before the turn (null when the turn created the actor) and after it. */
    stateBefore: p.text().nullable(),
    stateAfter: p.text(),
    /** The whole snapshot after the turn: the state at this version, for time travel. */
    snapshot: p.json<PersistedSnapshot>(),
    emitted: p.array<string>().$type<string[]>(),
    nodeId: p.text(),
    durationMs: p.double(),
    at: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'actor_journal_correlation_idx', properties: ['correlationId'] },
    { name: 'actor_journal_at_idx', properties: ['at'] },
  ],
  uniques: [{ name: 'actor_journal_actor_version_unique', properties: ['actorType', 'actorId', 'version'] }],
});

export type ActorJournalRow = InferEntity<typeof ActorJournal>;
