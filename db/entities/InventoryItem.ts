import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Read model of one inventory item actor (by SKU), rewritten in the same transaction as each of its turns. */
export const InventoryItem = defineEntity({
  name: 'InventoryItem',
  tableName: 'inventory_items',
  properties: {
    sku: p.text().primary(),
    name: p.text(),
    available: p.integer(),
    reserved: p.integer(),
    lowStockThreshold: p.integer(),
    status: p.text().$type<'active' | 'deleted'>().index('inventory_items_status_idx'),
    version: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type InventoryItemRow = InferEntity<typeof InventoryItem>;
