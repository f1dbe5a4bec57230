import { type EntityManager, raw } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { InventoryItem, type InventoryItemRow } from './entities/InventoryItem.ts';
import { InventoryReservation, type InventoryReservationRow } from './entities/InventoryReservation.ts';
import { InvalidCursorError } from './errors.ts';
import { isUuid } from './isUuid.ts';

/** Read-model queries behind the inventory API. Times leave here as ISO strings. */
export type InventoryItemStatus = InventoryItemRow['status'];
export type InventoryReservationStatus = InventoryReservationRow['status'];

export interface InventoryItemView {
  sku: string;
  name: string;
  available: number;
  reserved: number;
  lowStockThreshold: number;
  status: InventoryItemStatus;
  /** The actor version this view reflects. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryReservationView {
  sku: string;
  orderId: string;
  quantity: number;
  status: InventoryReservationStatus;
  reason: string | null;
  updatedAt: string;
}

export interface ListInventoryItemsOptions {
  /** 1..100. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  status?: InventoryItemStatus;
}

export interface InventoryItemPage {
  items: InventoryItemView[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface ListReservationsOptions {
  orderId?: string;
  sku?: string;
  /** 1..1000, default 1000. */
  limit?: number;
}

export async function findInventoryItem(em: EntityManager, sku: string): Promise<InventoryItemView | null> {
  const item = await em.findOne(InventoryItem, { sku });
  return item ? toItemView(item) : null;
}

/** By SKU, ascending, by keyset: pages stay stable while items are added. */
export async function listInventoryItems(
  em: EntityManager,
  options: ListInventoryItemsOptions,
): Promise<InventoryItemPage> {
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new RangeError(`limit must be an integer from 1 to 100, got ${limit}`);
  }
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const rows = await em.find(
    InventoryItem,
    {
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(after === undefined ? {} : { sku: { $gt: after } }),
    },
    { orderBy: { sku: 'asc' }, limit: limit + 1 },
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toItemView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.sku) : null,
  };
}

/**
 * The reservation rows of one order, of one SKU, or of one order and SKU; newest first. At least one filter is
 * required. Rows outlive the entries an item prunes from its state, so this is the longer history.
 */
export async function listReservations(
  em: EntityManager,
  options: ListReservationsOptions,
): Promise<InventoryReservationView[]> {
  if (options.orderId === undefined && options.sku === undefined) {
    throw new RangeError('listReservations needs an orderId or a sku');
  }
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`limit must be an integer from 1 to 1000, got ${limit}`);
  }
  // The column is a uuid: anything else cannot match, and PostgreSQL would reject it with an error.
  if (options.orderId !== undefined && !isUuid(options.orderId)) return [];
  const rows = await em.find(
    InventoryReservation,
    {
      ...(options.orderId === undefined ? {} : { orderId: options.orderId }),
      ...(options.sku === undefined ? {} : { sku: options.sku }),
    },
    { orderBy: [{ updatedAt: 'desc' }, { sku: 'asc' }, { orderId: 'asc' }], limit },
  );
  return rows.map(toReservationView);
}

/** Active items whose available stock is below their threshold, by SKU. */
export async function listLowStock(em: EntityManager): Promise<InventoryItemView[]> {
  const rows = await em.find(
    InventoryItem,
    {
      status: 'active',
      [raw((alias) => `${alias}.available < ${alias}.low_stock_threshold`)]: [],
    },
    { orderBy: { sku: 'asc' } },
  );
  return rows.map(toItemView);
}

const cursorSchema = z.object({ sku: z.string().min(1) });

function encodeCursor(sku: string): string {
  return Buffer.from(JSON.stringify({ sku })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).sku;
  } catch (error) {
    throw new InvalidCursorError(
      'the cursor is not one this server issued; list again from the start',
      { cursor },
      { cause: error },
    );
  }
}

function toItemView(item: InventoryItemRow): InventoryItemView {
  return {
    sku: item.sku,
    name: item.name,
    available: item.available,
    reserved: item.reserved,
    lowStockThreshold: item.lowStockThreshold,
    status: item.status,
    version: item.version,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
  };
}

function toReservationView(row: InventoryReservationRow): InventoryReservationView {
  return {
    sku: row.sku,
    orderId: row.orderId,
    quantity: row.quantity,
    status: row.status,
    reason: row.reason ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}
