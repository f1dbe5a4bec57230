import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Order } from './Order.ts';

/** One line of an order's read model, numbered from 1 in the order the customer listed them. */
export const OrderItem = defineEntity({
  name: 'OrderItem',
  tableName: 'order_items',
  properties: {
    orderId: p.manyToOne(Order).primary().mapToPk().fieldName('order_id').deleteRule('cascade'),
    lineNo: p.integer().primary(),
    sku: p.text(),
    quantity: p.integer(),
    unitPriceCents: p.bigint('number'),
  },
});

export type OrderItemRow = InferEntity<typeof OrderItem>;
