import { z } from 'zod';
import { anyText, text } from '../machines/shared/text.ts';

/** The zod schemas of the inventory API: every field error reaches the client by path, as BAD_REQUEST. */
export const skuInput = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'a SKU has only letters, digits, ".", "_" and "-"');

const itemName = text(200);
const stockLevel = z.number().int().min(0).max(1_000_000_000);

export const createItemInput = z.object({
  sku: skuInput,
  name: itemName,
  quantity: stockLevel,
  lowStockThreshold: stockLevel.default(0),
});
export type CreateItemInput = z.input<typeof createItemInput>;

export const skuOnlyInput = z.object({ sku: skuInput });

export const updateItemInput = z
  .object({
    sku: skuInput,
    name: itemName.optional(),
    lowStockThreshold: stockLevel.optional(),
    /** Units to add to available. */
    restock: z.number().int().min(1).max(1_000_000).optional(),
  })
  .refine(
    (input) =>
      input.name !== undefined || input.lowStockThreshold !== undefined || input.restock !== undefined,
    { message: 'give at least one of name, lowStockThreshold or restock' },
  );
export type UpdateItemInput = z.input<typeof updateItemInput>;

export const listItemsInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(20),
    cursor: anyText(500).nullish(),
    status: z.enum(['active', 'deleted']).optional(),
  })
  .default({ limit: 20 });

export const listReservationsInput = z
  .object({ orderId: z.uuid().optional(), sku: skuInput.optional() })
  .refine((input) => input.orderId !== undefined || input.sku !== undefined, {
    message: 'give an orderId or a sku',
  });
