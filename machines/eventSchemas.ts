import { z } from 'zod';
import {
  inventoryReleasedSchema,
  inventoryReservationFailedSchema,
  inventoryReservedSchema,
} from './inventoryItem/inventoryItemEvents.ts';
import {
  orderLinesSchema,
  orderTotalCents,
  TRACKING_EVENT_TYPES,
  TRACKING_KINDS,
  type TrackingKind,
  trackingEventSchema,
} from './order/orderEvents.ts';
import { orderCancelledSchema } from './orderSaga/orderSagaEvents.ts';
import {
  paymentChargeSchema,
  paymentFailedSchema,
  paymentProcessedSchema,
  paymentRefundedSchema,
  paymentRefundSchema,
} from './payment/paymentEvents.ts';
import { cents, quantity, sku } from './shared/replyTo.ts';
import { anyText, text } from './shared/text.ts';

/**
 * The payload of every message that reaches an actor from Kafka, by message type and schema version (the record's
 * `event-type` and `schema-version` headers). The router checks a record against its schema before delivering it,
 * so a record that fails never enters an actor: it is parked on its DLQ with the validation error. The shapes are
 * the machines' own event schemas, plus what routing relies on: the field that names the target actor, and a
 * `replyTo` that names a saga by its order id. A new version of a message gets a new entry here.
 */
const orderId = z.uuid();

/** Facts are routed back to the saga in `replyTo`: only sagas ask, and a saga's id is its order's id. */
export const routedReplyToSchema = z.object({
  type: z.enum(['orderSaga', 'cancellationSaga']),
  id: z.uuid(),
});

const withRoutedReply = <TShape extends z.ZodRawShape>(schema: z.ZodObject<TShape>) =>
  schema.extend({ replyTo: routedReplyToSchema });

/** What `order.created` must carry for its saga: the order's lines, and a total that is exactly their sum. */
const orderCreatedSchema = z.object({
  order: z
    .object({ orderId, customerId: z.uuid(), items: orderLinesSchema, totalCents: cents })
    .refine((order) => order.totalCents === orderTotalCents(order.items), {
      message: 'totalCents must equal the sum of the items',
      path: ['totalCents'],
    }),
});

const trackingPayload = (kind: TrackingKind) => trackingEventSchema.extend({ kind: z.literal(kind) });
const trackingSchemas = Object.fromEntries(
  TRACKING_KINDS.map((kind) => [TRACKING_EVENT_TYPES[kind], { 1: trackingPayload(kind) }]),
);

export const EVENT_SCHEMAS: Readonly<Record<string, Readonly<Record<number, z.ZodType>>>> = {
  'order.created': { 1: orderCreatedSchema },
  'order.cancelled': { 1: orderCancelledSchema },
  'order.confirm': { 1: z.object({ orderId }) },
  'order.cancel': {
    1: z.object({ orderId, reason: text(500), initiator: anyText(64).optional() }),
  },
  'inventory.reserve': { 1: z.object({ orderId, sku, quantity, replyTo: routedReplyToSchema }) },
  'inventory.release': {
    1: z.object({ orderId, sku, reason: anyText(500).optional(), replyTo: routedReplyToSchema }),
  },
  'inventory.commit': { 1: z.object({ orderId, sku }) },
  'payment.charge': { 1: withRoutedReply(paymentChargeSchema.omit({ type: true, at: true })) },
  'payment.refund': { 1: withRoutedReply(paymentRefundSchema.omit({ type: true, at: true })) },
  'inventory.reserved': { 1: withRoutedReply(inventoryReservedSchema) },
  'inventory.reservation.failed': { 1: withRoutedReply(inventoryReservationFailedSchema) },
  'inventory.released': { 1: withRoutedReply(inventoryReleasedSchema) },
  'payment.processed': { 1: withRoutedReply(paymentProcessedSchema) },
  'payment.failed': { 1: withRoutedReply(paymentFailedSchema) },
  'payment.refunded': { 1: withRoutedReply(paymentRefundedSchema) },
  ...trackingSchemas,
};

/** The schema of one message type at one version; undefined when that type or version is unknown. */
export function eventSchemaOf(type: string, version: number): z.ZodType | undefined {
  return Object.hasOwn(EVENT_SCHEMAS, type) ? EVENT_SCHEMAS[type]?.[version] : undefined;
}
