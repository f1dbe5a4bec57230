import { z } from 'zod';
import { cents, isoTime, quantity, replyToSchema, sku } from '../shared/replyTo.ts';
import { anyText, text } from '../shared/text.ts';

/**
 * The inventory item (one actor per SKU): what it accepts and the facts it emits. See docs/sagas.md for the
 * protocol (idempotent per order id, releases that overtake reservations, never overselling).
 */
export const INVENTORY_ITEM_CREATE = 'inventory.item.create';

export const inventoryItemInputSchema = z.object({
  sku,
  name: text(200),
  quantity: z.number().int().min(0).max(1_000_000_000),
  lowStockThreshold: z.number().int().min(0).max(1_000_000_000).default(0),
  at: isoTime,
});
export type InventoryItemInput = z.infer<typeof inventoryItemInputSchema>;

const orderId = z.uuid();

export const inventoryItemEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('inventory.item.update'),
    name: text(200).optional(),
    lowStockThreshold: z.number().int().min(0).max(1_000_000_000).optional(),
    at: isoTime,
  }),
  z.object({ type: z.literal('inventory.item.delete'), at: isoTime }),
  z.object({ type: z.literal('inventory.restock'), quantity, at: isoTime }),
  z.object({
    type: z.literal('inventory.reserve'),
    orderId,
    sku,
    quantity,
    replyTo: replyToSchema,
    at: isoTime,
  }),
  z.object({
    type: z.literal('inventory.release'),
    orderId,
    sku,
    replyTo: replyToSchema,
    reason: anyText(500).optional(),
    at: isoTime,
  }),
  z.object({ type: z.literal('inventory.commit'), orderId, sku, at: isoTime }),
]);
export type InventoryItemEvent = z.infer<typeof inventoryItemEventSchema>;

/** One entry per order id: the first answer is kept and repeated. */
export type ReservationStatus = 'held' | 'committed' | 'released' | 'failed';
export interface Reservation {
  orderId: string;
  quantity: number;
  status: ReservationStatus;
  /** For `failed`: why (INSUFFICIENT_STOCK with the shortfall, RELEASED, DELETED). */
  reason?: string;
  /** For `failed` (INSUFFICIENT_STOCK): requested minus available then, so a repeat gets the same answer. */
  shortfall?: number;
  at: string;
}

export interface InventoryItemContext {
  sku: string;
  name: string;
  available: number;
  reserved: number;
  lowStockThreshold: number;
  /** By order id. Settled entries (released, committed, failed) beyond the newest 1000 are pruned. */
  reservations: Record<string, Reservation>;
  createdAt: string;
  updatedAt: string;
}

export const inventoryReservedSchema = z.object({ sku, orderId, quantity, replyTo: replyToSchema });
export const inventoryReservationFailedSchema = z.object({
  sku,
  orderId,
  requested: quantity,
  available: z.number().int().min(0),
  shortfall: z.number().int().min(0),
  reason: z.enum(['INSUFFICIENT_STOCK', 'RELEASED', 'DELETED', 'UNKNOWN_SKU']),
  replyTo: replyToSchema,
});
export const inventoryReleasedSchema = z.object({
  sku,
  orderId,
  quantity: z.number().int().min(0),
  replyTo: replyToSchema,
});

export type InventoryItemEmitted =
  | ({ type: 'inventory.reserved' } & z.infer<typeof inventoryReservedSchema>)
  | ({ type: 'inventory.reservation.failed' } & z.infer<typeof inventoryReservationFailedSchema>)
  | ({ type: 'inventory.released' } & z.infer<typeof inventoryReleasedSchema>)
  | { type: 'inventory.committed'; sku: string; orderId: string; quantity: number }
  | { type: 'inventory.low-stock'; sku: string; available: number; threshold: number };

export { cents };
