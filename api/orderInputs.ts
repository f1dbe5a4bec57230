import { z } from 'zod';
import { parseMoneyToCents } from '../db/money.ts';
import { ORDER_STATUSES, shippingAddressSchema } from '../machines/order/orderEvents.ts';

/** The zod schemas of the orders API: every field error reaches the client by path, as BAD_REQUEST. */
const money = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseMoneyToCents(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const createOrderInput = z.object({
  /** Optional client-chosen id: retrying a create with the same id returns the same order, never a second one. */
  orderId: z.uuid().optional(),
  customerId: z.uuid(),
  items: z
    .array(
      z.object({
        sku: z.string().trim().min(1).max(64),
        quantity: z.number().int().min(1).max(1_000_000),
        unitPrice: money,
      }),
    )
    .min(1, 'an order needs at least one item')
    .max(500),
  shippingAddress: shippingAddressSchema,
  deliveryInstructions: z.string().trim().max(1000).optional(),
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
  reason: z.string().trim().min(1).max(500).optional(),
});

export const cancelOrderInput = z.object({ id: z.uuid(), reason: z.string().trim().min(1).max(500) });

export const listOrdersInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(20),
    cursor: z.string().max(500).nullish(),
    status: z.enum(ORDER_STATUSES).optional(),
    customerId: z.uuid().optional(),
  })
  .default({ limit: 20 });
