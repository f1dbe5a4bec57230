import { LockMode, type MikroORM } from '@mikro-orm/postgresql';
import { type ActorRef, createEnvelope } from '../actors/envelope.ts';
import type { SnapshotCachePort, StoredActor, Turn } from '../actors/ports.ts';
import { NO_TIMER_CHANGES } from '../actors/timers.ts';
import { ActorState } from './entities/ActorState.ts';
import { projectOrder } from './projections/orderProjection.ts';
import { applyReadModelWrites, type ProjectionWriters } from './projections/projectionWriters.ts';

/**
 * Rebuilds the read models of orders from their actors' stored state (`actor_state`), with the same projection
 * writers a turn uses, and refreshes each actor's Redis snapshot entry. The actor state is the source of truth and
 * the projection code is the one every turn runs, so a rebuilt row is the row the actor's last turn wrote.
 */
export interface RebuildResult {
  /** Actors whose rows were written. */
  readonly actors: number;
  /** Read-model rows written (an order counts its `orders` row and each `order_items` row). */
  readonly rows: number;
}

/** The actors keyed by an order id, each with a read model of its own (orders/order_items, saga_instances, payments). */
export const ORDER_ACTOR_TYPES = ['order', 'orderSaga', 'cancellationSaga', 'payment'] as const;

export function createReadModelRebuild(options: {
  orm: MikroORM;
  projections: ProjectionWriters;
  cache: SnapshotCachePort;
}) {
  const { orm, projections, cache } = options;

  /** One transaction per actor. FOR SHARE on its state row makes a concurrent turn wait, so ours never wins late. */
  async function rebuildActor(ref: ActorRef): Promise<{ stored: StoredActor; rows: number } | undefined> {
    const write = projections[ref.type];
    if (!write) return undefined;
    return orm.em.fork().transactional(async (em) => {
      const row = await em.findOne(
        ActorState,
        { actorType: ref.type, actorId: ref.id },
        { lockMode: LockMode.PESSIMISTIC_READ },
      );
      if (!row) return undefined;
      const stored: StoredActor = {
        machineId: row.machineId,
        machineVersion: row.machineVersion,
        version: row.version,
        snapshot: row.snapshot,
      };
      const turn = turnOf(ref, stored);
      await applyReadModelWrites(em, write(turn));
      return { stored, rows: ref.type === 'order' ? 1 + projectOrder(turn).items.length : 1 };
    });
  }

  return {
    async rebuildOrders(orderIds: readonly string[], signal?: AbortSignal): Promise<RebuildResult> {
      let actors = 0;
      let rows = 0;
      for (const id of orderIds) {
        for (const type of ORDER_ACTOR_TYPES) {
          signal?.throwIfAborted();
          const ref = { type, id };
          const rebuilt = await rebuildActor(ref);
          if (!rebuilt) continue;
          actors += 1;
          rows += rebuilt.rows;
          // A cache: a newer entry is kept (put never replaces a newer version), a missing one is filled.
          await cache.put(ref, rebuilt.stored);
        }
      }
      return { actors, rows };
    },
  };
}

export type ReadModelRebuild = ReturnType<typeof createReadModelRebuild>;

/**
 * The stored state as the turn that wrote it, for the projection writers (they read the ref, version and snapshot).
 * It consumes no message and emits nothing: it is never committed as a turn.
 */
function turnOf(ref: ActorRef, stored: StoredActor): Turn {
  return {
    ref,
    machineId: stored.machineId,
    machineVersion: stored.machineVersion,
    expectedVersion: stored.version - 1,
    version: stored.version,
    snapshot: stored.snapshot,
    stateBefore: stored.snapshot.value,
    message: createEnvelope({
      id: `rebuild:${ref.type}:${ref.id}:${stored.version}`,
      type: 'trackops.readModel.rebuild',
      payload: null,
    }),
    outbox: [],
    timers: NO_TIMER_CHANGES,
  };
}
