import { z } from 'zod';
import { anyText, skuSchema } from './text.ts';

/** The actor that asked: commands carry it, and the facts that answer them carry it back unchanged. */
export const replyToSchema = z.object({ type: z.string().min(1).max(64), id: anyText(200).min(1) });
export type ReplyTo = z.infer<typeof replyToSchema>;

export const isoTime = z.iso.datetime({ offset: true });
export const sku = skuSchema;
export const quantity = z.number().int().min(1).max(1_000_000);
/** The largest amount anywhere (an order total, a payment): 1,000,000,000.00. */
export const MAX_CENTS = 1_000_000_000_00;
export const cents = z.number().int().min(0).max(MAX_CENTS);
