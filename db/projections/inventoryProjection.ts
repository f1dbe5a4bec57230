import type { Turn } from '../../actors/ports.ts';
import type { InventoryItemContext } from '../../machines/inventoryItem/inventoryItemEvents.ts';
import type { InventoryItemRow } from '../entities/InventoryItem.ts';
import type { InventoryReservationRow } from '../entities/InventoryReservation.ts';

/** The read-model rows of one inventory item (SKU), exactly as its latest turn left it. */
export interface InventoryReadModel {
  readonly item: InventoryItemRow;
  /** Every entry the context still holds; entries the machine pruned keep their last row in the table. */
  readonly reservations: InventoryReservationRow[];
}

const ITEM_STATUSES = ['active', 'deleted'] as const;
type ItemStatus = (typeof ITEM_STATUSES)[number];

const isItemStatus = (value: unknown): value is ItemStatus =>
  typeof value === 'string' && (ITEM_STATUSES as readonly string[]).includes(value);

/**
 * Pure: an inventory item actor's turn -> its row in `inventory_items` and its rows in `inventory_reservations`.
 * Times come from the machine's context (the time of the messages), never from a clock.
 */
export function projectInventoryItem(turn: Turn): InventoryReadModel {
  const status = turn.snapshot.value;
  if (!isItemStatus(status)) {
    throw new RangeError(
      `inventoryItem ${turn.ref.id}: state ${JSON.stringify(status)} is not an inventory item status`,
    );
  }
  // The inventory machine wrote this context; the projection trusts its own machine rather than re-parsing it.
  const context = turn.snapshot.context as InventoryItemContext;
  const item: InventoryItemRow = {
    sku: context.sku,
    name: context.name,
    available: context.available,
    reserved: context.reserved,
    lowStockThreshold: context.lowStockThreshold,
    status,
    version: turn.version,
    createdAt: new Date(context.createdAt),
    updatedAt: new Date(context.updatedAt),
  };
  const reservations = Object.values(context.reservations).map(
    (entry): InventoryReservationRow => ({
      sku: context.sku,
      orderId: entry.orderId,
      quantity: entry.quantity,
      status: entry.status,
      reason: entry.reason ?? null,
      updatedAt: new Date(entry.at),
    }),
  );
  return { item, reservations };
}
