import { z } from 'zod';
import {
  inventoryReleasedSchema,
  inventoryReservationFailedSchema,
  inventoryReservedSchema,
} from '../inventoryItem/inventoryItemEvents.ts';
import { orderStatusSchema } from '../order/orderEvents.ts';
import {
  paymentFailedSchema,
  paymentProcessedSchema,
  paymentRefundedSchema,
} from '../payment/paymentEvents.ts';
import { isoTime, type ReplyTo, replyToSchema, sku } from '../shared/replyTo.ts';
import { anyText } from '../shared/text.ts';

/**
 * The order saga (actor id = order id): started by `order.created`, it reserves every SKU, charges the payment,
 * confirms the order, or compensates in reverse. Protocol and late/early message handling: docs/sagas.md.
 */
export const orderSagaInputSchema = z.object({
  orderId: z.uuid(),
  customerId: z.uuid(),
  /** One line per SKU (quantities of repeated SKUs are added up). */
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1) })).min(1),
  totalCents: z.number().int().min(0),
  /** Durable step timeout (SAGA_STEP_TIMEOUT_MS), given by the runtime at creation. */
  stepTimeoutMs: z.number().int().positive(),
  at: isoTime,
});
export type OrderSagaInput = z.infer<typeof orderSagaInputSchema>;

const fact = <TShape extends z.ZodRawShape, TType extends string>(type: TType, schema: z.ZodObject<TShape>) =>
  schema.extend({ type: z.literal(type), at: isoTime });

/** The part of `order.cancelled` the sagas read. */
export const orderCancelledSchema = z.object({
  orderId: z.uuid(),
  customerId: z.uuid(),
  reason: anyText(500),
  previousStatus: orderStatusSchema,
  initiator: anyText(64).optional(),
  items: z
    .array(z.object({ sku, quantity: z.number().int().min(1) }))
    .min(1)
    .max(500),
});

export const orderSagaEventSchema = z.discriminatedUnion('type', [
  fact('inventory.reserved', inventoryReservedSchema),
  fact('inventory.reservation.failed', inventoryReservationFailedSchema),
  fact('inventory.released', inventoryReleasedSchema),
  fact('payment.processed', paymentProcessedSchema),
  fact('payment.failed', paymentFailedSchema),
  fact('payment.refunded', paymentRefundedSchema),
  fact('order.cancelled', orderCancelledSchema),
]);
export type OrderSagaEvent = z.infer<typeof orderSagaEventSchema>;

export type LineStatus = 'reserving' | 'reserved' | 'failed' | 'releasing' | 'released';
export type PaymentStatus = 'none' | 'charging' | 'charged' | 'declined' | 'refunding' | 'refunded';

export interface SagaStep {
  /** e.g. `reserve SKU-1`, `charge`, `confirm`, `release SKU-1`, `refund`, `cancel order`, `timeout`. */
  step: string;
  status: 'started' | 'done' | 'failed' | 'ignored';
  at: string;
  detail?: string;
}

export interface OrderSagaContext {
  orderId: string;
  customerId: string;
  lines: { sku: string; quantity: number; status: LineStatus }[];
  totalCents: number;
  payment: PaymentStatus;
  stepTimeoutMs: number;
  /** Set once the saga decided to compensate: the reason the order is cancelled with. */
  failureReason?: string;
  /** The customer cancelled the order while the saga ran (so the saga must not cancel it again). */
  cancelledByCustomer: boolean;
  steps: SagaStep[];
  startedAt: string;
  updatedAt: string;
}

export const sagaReplyTo = (orderId: string): ReplyTo => ({ type: 'orderSaga', id: orderId });

export type OrderSagaEmitted =
  | { type: 'inventory.reserve'; orderId: string; sku: string; quantity: number; replyTo: ReplyTo }
  | { type: 'inventory.release'; orderId: string; sku: string; reason: string; replyTo: ReplyTo }
  | { type: 'payment.charge'; orderId: string; customerId: string; amountCents: number; replyTo: ReplyTo }
  | { type: 'payment.refund'; orderId: string; reason: string; replyTo: ReplyTo }
  | { type: 'order.confirm'; orderId: string }
  | { type: 'order.cancel'; orderId: string; reason: string; initiator: 'orderSaga' }
  | {
      type: 'order.notification';
      orderId: string;
      customerId: string;
      outcome: 'CONFIRMED' | 'CANCELLED';
      reason?: string;
    };

export { replyToSchema };
