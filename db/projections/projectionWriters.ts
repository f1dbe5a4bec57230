import type { EntityManager, EntitySchema } from '@mikro-orm/postgresql';
import type { ActorType } from '../../actors/envelope.ts';
import type { Turn } from '../../actors/ports.ts';
import { InventoryItem } from '../entities/InventoryItem.ts';
import { InventoryReservation } from '../entities/InventoryReservation.ts';
import { Order } from '../entities/Order.ts';
import { OrderItem } from '../entities/OrderItem.ts';
import { Payment } from '../entities/Payment.ts';
import { SagaInstance } from '../entities/SagaInstance.ts';
import { projectInventoryItem } from './inventoryProjection.ts';
import { projectOrder } from './orderProjection.ts';
import { projectPayment } from './paymentProjection.ts';
import { projectSaga } from './sagaProjection.ts';

// biome-ignore lint/suspicious/noExplicitAny: the read-model entities differ in shape; a write names any of them.
type ReadModelEntity = EntitySchema<any, any>;

/** Rows of one read-model table, inserted or replaced by primary key. */
export interface RowUpsert {
  readonly entity: ReadModelEntity;
  readonly rows: readonly object[];
}

/** Deletes the rows matching `match` whose `above.property` is greater than `above.value`. */
export interface RowTrim {
  readonly entity: ReadModelEntity;
  readonly match: Readonly<Record<string, unknown>>;
  readonly above: { readonly property: string; readonly value: number };
}

/**
 * What a turn changes in its actor type's read model, as data: the turn's commit renders it into its one SQL
 * statement (db/turnStatement.ts), and a rebuild applies it through the ORM (applyReadModelWrites).
 */
export interface ReadModelWrites {
  readonly upserts: readonly RowUpsert[];
  readonly trims: readonly RowTrim[];
}

/** Pure: a turn -> the read-model writes of its actor type. */
export type ProjectionWriter = (turn: Turn) => ReadModelWrites;

export type ProjectionWriters = Readonly<Partial<Record<ActorType, ProjectionWriter>>>;

export const writeOrderProjection: ProjectionWriter = (turn) => {
  const { order, items } = projectOrder(turn);
  return {
    upserts: [
      { entity: Order, rows: [order] },
      { entity: OrderItem, rows: items },
    ],
    // Lines never shrink today; this keeps the read model exact if a future machine version removes some.
    trims: [
      { entity: OrderItem, match: { orderId: order.id }, above: { property: 'lineNo', value: items.length } },
    ],
  };
};

export const writeInventoryItemProjection: ProjectionWriter = (turn) => {
  const { item, reservations: entries } = projectInventoryItem(turn);
  // Only the entries this turn changed: the machine stamps an entry it changes, and the item, with the message's
  // time, so an entry stamped with the item's time is new or changed (an older one with the same time is merely
  // rewritten unchanged). A hot SKU holds up to a thousand settled entries; rewriting them all on every turn made
  // its turns the slowest of a saga. Entries the machine pruned keep their rows, with their last known outcome.
  const changedAt = item.updatedAt.getTime();
  const reservations = entries.filter((entry) => entry.updatedAt.getTime() === changedAt);
  return {
    upserts: [
      { entity: InventoryItem, rows: [item] },
      { entity: InventoryReservation, rows: reservations },
    ],
    trims: [],
  };
};

export const writePaymentProjection: ProjectionWriter = (turn) => ({
  upserts: [{ entity: Payment, rows: [projectPayment(turn)] }],
  trims: [],
});

export const writeSagaProjection: ProjectionWriter = (turn) => ({
  upserts: [{ entity: SagaInstance, rows: [projectSaga(turn)] }],
  trims: [],
});

/** The read models of every actor type that has one; a type without an entry keeps only its state. */
export const projectionWriters: ProjectionWriters = {
  order: writeOrderProjection,
  inventoryItem: writeInventoryItemProjection,
  payment: writePaymentProjection,
  orderSaga: writeSagaProjection,
  cancellationSaga: writeSagaProjection,
};

/** Rows per upsert statement: far below PostgreSQL's 65535 bind parameters, however many entries are held. */
const UPSERT_CHUNK = 1000;

/** Applies read-model writes through the ORM, inside the caller's transaction (the rebuild's path). */
export async function applyReadModelWrites(em: EntityManager, writes: ReadModelWrites): Promise<void> {
  for (const { entity, rows } of writes.upserts) {
    for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
      await em.upsertMany(entity, rows.slice(start, start + UPSERT_CHUNK));
    }
  }
  for (const { entity, match, above } of writes.trims) {
    await em.nativeDelete(entity, { ...match, [above.property]: { $gt: above.value } });
  }
}
