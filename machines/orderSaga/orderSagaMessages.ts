import { type OrderSagaContext, type OrderSagaEmitted, sagaReplyTo } from './orderSagaEvents.ts';
import { reasonOf } from './orderSagaUpdates.ts';

/**
 * The messages the order saga emits, built from its context. Every command that expects an answer carries
 * `replyTo` = this saga, so the answering fact is routed back here (docs/sagas.md).
 */
type Message<TType extends OrderSagaEmitted['type']> = Extract<OrderSagaEmitted, { type: TType }>;

export const reserve = (
  context: OrderSagaContext,
  sku: string,
  quantity: number,
): Message<'inventory.reserve'> => ({
  type: 'inventory.reserve',
  orderId: context.orderId,
  sku,
  quantity,
  replyTo: sagaReplyTo(context.orderId),
});

export const release = (context: OrderSagaContext, sku: string): Message<'inventory.release'> => ({
  type: 'inventory.release',
  orderId: context.orderId,
  sku,
  reason: reasonOf(context),
  replyTo: sagaReplyTo(context.orderId),
});

export const charge = (context: OrderSagaContext): Message<'payment.charge'> => ({
  type: 'payment.charge',
  orderId: context.orderId,
  customerId: context.customerId,
  amountCents: context.totalCents,
  replyTo: sagaReplyTo(context.orderId),
});

export const refund = (context: OrderSagaContext): Message<'payment.refund'> => ({
  type: 'payment.refund',
  orderId: context.orderId,
  reason: reasonOf(context),
  replyTo: sagaReplyTo(context.orderId),
});

export const confirmOrder = (context: OrderSagaContext): Message<'order.confirm'> => ({
  type: 'order.confirm',
  orderId: context.orderId,
});

/** `initiator` keeps the resulting `order.cancelled` from being routed back to this saga. */
export const cancelOrder = (context: OrderSagaContext): Message<'order.cancel'> => ({
  type: 'order.cancel',
  orderId: context.orderId,
  reason: reasonOf(context),
  initiator: 'orderSaga',
});

export const notification = (
  context: OrderSagaContext,
  outcome: 'CONFIRMED' | 'CANCELLED',
): Message<'order.notification'> => ({
  type: 'order.notification',
  orderId: context.orderId,
  customerId: context.customerId,
  outcome,
  ...(outcome === 'CANCELLED' ? { reason: reasonOf(context) } : {}),
});
