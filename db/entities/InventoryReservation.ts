import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** One order's reservation of one SKU, as the inventory item actor recorded it. */
export const InventoryReservation = defineEntity({
  name: 'InventoryReservation',
  tableName: 'inventory_reservations',
  properties: {
    sku: p.text().primary(),
    orderId: p.uuid().primary().index('inventory_reservations_order_id_idx'),
    quantity: p.integer(),
    status: p.text().$type<'held' | 'committed' | 'released' | 'failed'>(),
    reason: p.text().nullable(),
    updatedAt: p.datetime(),
  },
});

export type InventoryReservationRow = InferEntity<typeof InventoryReservation>;
