import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type {
  OrderStatus,
  ShippingAddress,
  StatusChange,
  TrackingEvent,
} from '../../machines/order/orderEvents.ts';

/** Read model of one order actor, rewritten by its projection in the same transaction as every turn. */
export const Order = defineEntity({
  name: 'Order',
  tableName: 'orders',
  properties: {
    id: p.uuid().primary(),
    customerId: p.uuid().index('orders_customer_id_idx'),
    status: p.text().$type<OrderStatus>().index('orders_status_idx'),
    totalCents: p.bigint('number'),
    shippingAddress: p.json<ShippingAddress>(),
    deliveryInstructions: p.text().nullable(),
    cancellationReason: p.text().nullable(),
    statusHistory: p.json<StatusChange[]>(),
    trackingEvents: p.json<TrackingEvent[]>(),
    /** The actor version whose turn wrote this row. */
    version: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
  // Keyset pagination walks (created_at, id) newest first.
  indexes: [{ name: 'orders_created_at_id_idx', properties: ['createdAt', 'id'] }],
});

export type OrderRow = InferEntity<typeof Order>;
