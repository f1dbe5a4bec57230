import { z } from 'zod';

/** The actor that asked: commands carry it, and the facts that answer them carry it back unchanged. */
export const replyToSchema = z.object({ type: z.string().min(1), id: z.string().min(1).max(200) });
export type ReplyTo = z.infer<typeof replyToSchema>;

export const isoTime = z.iso.datetime({ offset: true });
export const sku = z.string().trim().min(1).max(64);
export const quantity = z.number().int().min(1).max(1_000_000);
export const cents = z.number().int().min(0).max(1_000_000_000_00);
