import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActorType } from '../../actors/envelope.ts';
import type { Turn } from '../../actors/ports.ts';
import { Order } from '../entities/Order.ts';
import { OrderItem } from '../entities/OrderItem.ts';
import { projectOrder } from './orderProjection.ts';

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

/** The read models of every actor type that has one; types without an entry (sagas) keep only their state. */
export const projectionWriters: ProjectionWriters = {
  order: writeOrderProjection,
};
