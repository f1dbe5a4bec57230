import type { EntityManager } from '@mikro-orm/postgresql';
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

/** Writes one actor type's read model for a turn, inside the turn's transaction (`em` is transactional). */
export type ProjectionWriter = (em: EntityManager, turn: Turn) => Promise<void>;

export type ProjectionWriters = Readonly<Record<ActorType, ProjectionWriter>>;

export const writeOrderProjection: ProjectionWriter = async (em, turn) => {
  const { order, items } = projectOrder(turn);
  await em.upsert(Order, order);
  if (items.length > 0) await em.upsertMany(OrderItem, items);
  // Lines never shrink today; this keeps the read model exact if a future machine version removes some.
  await em.nativeDelete(OrderItem, { orderId: order.id, lineNo: { $gt: items.length } });
};

/** Rows per upsert statement: far below PostgreSQL's 65535 bind parameters, however many entries are held. */
const RESERVATION_CHUNK = 1000;

export const writeInventoryItemProjection: ProjectionWriter = async (em, turn) => {
  const { item, reservations: entries } = projectInventoryItem(turn);
  await em.upsert(InventoryItem, item);
  // Only the entries this turn changed: the machine stamps an entry it changes, and the item, with the message's
  // time, so an entry stamped with the item's time is new or changed (an older one with the same time is merely
  // rewritten unchanged). A hot SKU holds up to a thousand settled entries; rewriting them all on every turn made
  // its turns the slowest of a saga. Entries the machine pruned keep their rows, with their last known outcome.
  const changedAt = item.updatedAt.getTime();
  const reservations = entries.filter((entry) => entry.updatedAt.getTime() === changedAt);
  for (let start = 0; start < reservations.length; start += RESERVATION_CHUNK) {
    await em.upsertMany(InventoryReservation, reservations.slice(start, start + RESERVATION_CHUNK));
  }
};

export const writePaymentProjection: ProjectionWriter = async (em, turn) => {
  await em.upsert(Payment, projectPayment(turn));
};

export const writeSagaProjection: ProjectionWriter = async (em, turn) => {
  await em.upsert(SagaInstance, projectSaga(turn));
};

/** The read models of every actor type that has one; a type without an entry keeps only its state. */
export const projectionWriters: ProjectionWriters = {
  order: writeOrderProjection,
  inventoryItem: writeInventoryItemProjection,
  payment: writePaymentProjection,
  orderSaga: writeSagaProjection,
  cancellationSaga: writeSagaProjection,
};
