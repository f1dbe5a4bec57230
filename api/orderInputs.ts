import { z } from 'zod';
import { parseMoneyToCents } from '../db/money.ts';
import {
  ORDER_STATUSES,
  orderTotalCents,
  shippingAddressSchema,
  TOTAL_TOO_LARGE,
} from '../machines/order/orderEvents.ts';
import { MAX_CENTS } from '../machines/shared/replyTo.ts';
import { anyText, skuSchema, text } from '../machines/shared/text.ts';

/**
 * The zod schemas of the orders API: every field error reaches the client by path, as BAD_REQUEST. Money is parsed
 * from its decimal text into integer cents (never through a binary fraction) and bounded like every amount.
 */
const money = z.union([z.number(), z.string().max(32)]).transform((value, ctx) => {
  try {
    const cents = parseMoneyToCents(value);
    if (cents <= MAX_CENTS) return cents;
    ctx.addIssue({ code: 'custom', message: `an amount must not exceed ${MAX_CENTS / 100}.00` });
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
  return z.NEVER;
});

export const createOrderInput = z.object({
  /** Optional client-chosen id: retrying a create with the same id returns the same order, never a second one. */
  orderId: z.uuid().optional(),
  customerId: z.uuid(),
  items: z
    .array(
      z.object({
        sku: skuSchema,
        quantity: z.number().int().min(1).max(1_000_000),
        unitPrice: money,
      }),
    )
    .min(1, 'an order needs at least one item')
    .max(500)
    .refine(
      (items) =>
        orderTotalCents(items.map((item) => ({ quantity: item.quantity, unitPriceCents: item.unitPrice }))) <=
        MAX_CENTS,
      TOTAL_TOO_LARGE,
    ),
  shippingAddress: shippingAddressSchema,
  deliveryInstructions: anyText(1000).trim().optional(),
});
export type CreateOrderInput = z.input<typeof createOrderInput>;

export const orderIdInput = z.object({ id: z.uuid() });

export const updateStatusInput = z.object({
  id: z.uuid(),
  status: z.enum(
    ORDER_STATUSES.filter((status) => status !== 'PENDING') as [
      'CONFIRMED',
      'PROCESSING',
      'SHIPPED',
      'DELIVERED',
      'CANCELLED',
    ],
  ),
  /** Used when the new status is CANCELLED. */
  reason: text(500).optional(),
});

/** The longest a client may hold `orders.awaitStatus` open; it asks again after that. */
export const AWAIT_STATUS_MAX_MS = 60_000;

export const awaitStatusInput = z.object({
  id: z.uuid(),
  /** Any of these ends the wait. */
  statuses: z.array(z.enum(ORDER_STATUSES)).min(1).max(ORDER_STATUSES.length),
  timeoutMs: z.number().int().min(1).max(AWAIT_STATUS_MAX_MS).default(30_000),
});

export const cancelOrderInput = z.object({ id: z.uuid(), reason: text(500) });

export const listOrdersInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(20),
    cursor: anyText(500).nullish(),
    status: z.enum(ORDER_STATUSES).optional(),
    customerId: z.uuid().optional(),
  })
  .default({ limit: 20 });
