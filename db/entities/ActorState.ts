import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { PersistedSnapshot } from '../../actors/ports.ts';

/** The source of truth for one actor: its persisted snapshot and the fencing version every write checks. */
export const ActorState = defineEntity({
  name: 'ActorState',
  tableName: 'actor_state',
  properties: {
    actorType: p.text().primary(),
    actorId: p.text().primary(),
    machineId: p.text(),
    machineVersion: p.text(),
    // 'number' mode: versions stay far below 2^53, and the core compares them as numbers.
    version: p.bigint('number'),
    snapshot: p.json<PersistedSnapshot>(),
    /** `snapshot.value` as text, so operators can filter and read states in SQL. */
    status: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});

export type ActorStateRow = InferEntity<typeof ActorState>;
