import { z } from 'zod';
import { MAX_CENTS } from '../shared/replyTo.ts';
import { anyText, skuSchema, text } from '../shared/text.ts';

/**
 * What the order machine accepts and emits. Money is in integer cents inside the machine so totals never drift;
 * the API speaks decimal strings. Every event carries `at`, the time its message occurred, so the machine stays
 * pure (no clock reads) and replays give the same result.
 */
export const ORDER_STATUSES = [
  'PENDING',
  'CONFIRMED',
  'PROCESSING',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
] as const;
export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

export const TRACKING_KINDS = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const;
export const trackingKindSchema = z.enum(TRACKING_KINDS);
export type TrackingKind = z.infer<typeof trackingKindSchema>;

const at = z.iso.datetime({ offset: true });

export const shippingAddressSchema = z.object({
  street: text(200),
  city: text(100),
  state: text(100),
  zipCode: text(20),
  country: text(100),
});
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

export const orderLineSchema = z.object({
  sku: skuSchema,
  quantity: z.number().int().min(1).max(1_000_000),
  unitPriceCents: z.number().int().min(0).max(MAX_CENTS),
});
export type OrderLine = z.infer<typeof orderLineSchema>;

/** An order's total (what its payment charges) is bounded like every amount, so it stays an exact integer. */
export const orderTotalCents = (lines: readonly { quantity: number; unitPriceCents: number }[]): number =>
  lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
export const TOTAL_TOO_LARGE = `the order total must not exceed ${MAX_CENTS / 100}.00`;
export const orderLinesSchema = z
  .array(orderLineSchema)
  .min(1)
  .max(500)
  .refine((lines) => orderTotalCents(lines) <= MAX_CENTS, TOTAL_TOO_LARGE);

export const orderInputSchema = z.object({
  orderId: z.uuid(),
  customerId: z.uuid(),
  items: orderLinesSchema,
  shippingAddress: shippingAddressSchema,
  deliveryInstructions: anyText(1000).trim().optional(),
  at,
});
export type OrderInput = z.infer<typeof orderInputSchema>;

export const trackingEventSchema = z.object({
  kind: trackingKindSchema,
  occurredAt: at,
  location: anyText(200).optional(),
});
export type TrackingEvent = z.infer<typeof trackingEventSchema>;

/** Tracking kinds from the carrier feed and the machine event each one becomes. */
export const TRACKING_EVENT_TYPES = {
  PICKED_UP: 'shipment.pickedUp',
  IN_TRANSIT: 'shipment.inTransit',
  OUT_FOR_DELIVERY: 'shipment.outForDelivery',
  DELIVERED: 'shipment.delivered',
} as const satisfies Record<TrackingKind, string>;

/** A tracking event's `kind` must agree with its type: a contradictory message is refused, not half-applied. */
const tracking = <K extends TrackingKind>(kind: K) =>
  trackingEventSchema.extend({ type: z.literal(TRACKING_EVENT_TYPES[kind]), kind: z.literal(kind), at });

export const orderEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('order.confirm'), at }),
  z.object({ type: z.literal('order.process'), at }),
  z.object({ type: z.literal('order.ship'), at }),
  z.object({ type: z.literal('order.deliver'), at }),
  z.object({
    type: z.literal('order.cancel'),
    reason: text(500),
    /** The saga that cancels (absent when a person does): its own cancellation is not routed back to it. */
    initiator: anyText(64).optional(),
    at,
  }),
  tracking('PICKED_UP'),
  tracking('IN_TRANSIT'),
  tracking('OUT_FOR_DELIVERY'),
  tracking('DELIVERED'),
]);
export type OrderEvent = z.infer<typeof orderEventSchema>;

/** The command that creates an order actor; its payload (with `at`) is the machine's input. */
export const ORDER_CREATE = 'order.create';

/** Which command moves an order to a given status (used by `orders.updateStatus`). */
export const COMMAND_FOR_STATUS = {
  CONFIRMED: 'order.confirm',
  PROCESSING: 'order.process',
  SHIPPED: 'order.ship',
  DELIVERED: 'order.deliver',
  CANCELLED: 'order.cancel',
} as const satisfies Partial<Record<OrderStatus, OrderEvent['type']>>;

export interface StatusChange {
  status: OrderStatus;
  at: string;
  reason?: string;
}

export interface OrderContext {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  totalCents: number;
  shippingAddress: ShippingAddress;
  deliveryInstructions?: string;
  cancellationReason?: string;
  cancellationInitiator?: string;
  statusHistory: StatusChange[];
  trackingEvents: TrackingEvent[];
  createdAt: string;
  updatedAt: string;
}

export type OrderEmitted =
  | { type: 'order.created'; order: OrderContext }
  | {
      type: 'order.status.updated';
      orderId: string;
      from: OrderStatus | null;
      to: OrderStatus;
      at: string;
      reason?: string;
    }
  | {
      type: 'order.cancelled';
      orderId: string;
      customerId: string;
      reason: string;
      at: string;
      /** CONFIRMED or PROCESSING: a cancellation saga releases stock and refunds; PENDING: the order saga does. */
      previousStatus: OrderStatus;
      initiator?: string;
      items: { sku: string; quantity: number }[];
    }
  | { type: 'order.delivered'; orderId: string; at: string }
  /** On shipping: the reserved stock of each SKU leaves the warehouse (inventory moves it out of `reserved`). */
  | { type: 'inventory.commit'; orderId: string; sku: string };
