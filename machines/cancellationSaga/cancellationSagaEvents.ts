import { z } from 'zod';
import { inventoryReleasedSchema } from '../inventoryItem/inventoryItemEvents.ts';
import { orderCancelledSchema } from '../orderSaga/orderSagaEvents.ts';
import { paymentRefundedSchema } from '../payment/paymentEvents.ts';
import { isoTime, type ReplyTo } from '../shared/replyTo.ts';

/**
 * The cancellation saga (actor id = order id): started by `order.cancelled` of a CONFIRMED or PROCESSING order,
 * it releases every reservation and refunds the payment, each exactly once. See docs/sagas.md.
 */
export const cancellationSagaInputSchema = orderCancelledSchema.extend({
  stepTimeoutMs: z.number().int().positive(),
  at: isoTime,
});
export type CancellationSagaInput = z.infer<typeof cancellationSagaInputSchema>;

export const cancellationSagaEventSchema = z.discriminatedUnion('type', [
  inventoryReleasedSchema.extend({ type: z.literal('inventory.released'), at: isoTime }),
  paymentRefundedSchema.extend({ type: z.literal('payment.refunded'), at: isoTime }),
]);
export type CancellationSagaEvent = z.infer<typeof cancellationSagaEventSchema>;

export interface CancellationSagaContext {
  orderId: string;
  customerId: string;
  reason: string;
  lines: { sku: string; quantity: number; status: 'releasing' | 'released' }[];
  refund: 'refunding' | 'refunded';
  stepTimeoutMs: number;
  steps: { step: string; status: 'started' | 'done' | 'failed' | 'ignored'; at: string; detail?: string }[];
  startedAt: string;
  updatedAt: string;
}

export const cancellationReplyTo = (orderId: string): ReplyTo => ({ type: 'cancellationSaga', id: orderId });

export type CancellationSagaEmitted =
  | { type: 'inventory.release'; orderId: string; sku: string; reason: string; replyTo: ReplyTo }
  | { type: 'payment.refund'; orderId: string; reason: string; replyTo: ReplyTo };
