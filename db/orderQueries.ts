import { type EntityManager, type MikroORM, raw } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type {
  OrderStatus,
  ShippingAddress,
  StatusChange,
  TrackingEvent,
} from '../machines/order/orderEvents.ts';
import { Order, type OrderRow } from './entities/Order.ts';
import { OrderItem, type OrderItemRow } from './entities/OrderItem.ts';
import { InvalidCursorError } from './errors.ts';
import { isUuid } from './isUuid.ts';
import { formatCents } from './money.ts';
import { pooledQueryFor } from './pooledQuery.ts';

/** Read-model queries behind the orders API. Money leaves here as decimal strings, times as ISO strings. */
export interface OrderItemView {
  lineNo: number;
  sku: string;
  quantity: number;
  unitPrice: string;
  lineTotal: string;
}

export interface OrderView {
  id: string;
  customerId: string;
  status: OrderStatus;
  totalAmount: string;
  items: OrderItemView[];
  shippingAddress: ShippingAddress;
  deliveryInstructions?: string;
  cancellationReason?: string;
  statusHistory: StatusChange[];
  trackingEvents: TrackingEvent[];
  /** The actor version this view reflects. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ListOrdersOptions {
  /** 1..100, default 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  status?: OrderStatus;
  customerId?: string;
}

export interface OrderPage {
  items: OrderView[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/**
 * One order with its lines, in one prepared statement and without hydrating entities: every create, get and
 * awaitStatus reads it (about three times a saga), so it is the API's hottest read.
 */
export async function findOrder(orm: MikroORM, id: string): Promise<OrderView | null> {
  if (!isUuid(id)) return null;
  const [row] = await pooledQueryFor(orm)<OrderWithItemsRow>(FIND_ORDER, [id]);
  if (!row) return null;
  const order: OrderRow = {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    totalCents: Number(row.total_cents),
    shippingAddress: row.shipping_address,
    deliveryInstructions: row.delivery_instructions,
    cancellationReason: row.cancellation_reason,
    statusHistory: row.status_history,
    trackingEvents: row.tracking_events,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
  return toOrderView(order, row.items);
}

const FIND_ORDER = `select o.id, o.customer_id, o.status, o.total_cents, o.shipping_address, o.delivery_instructions,
         o.cancellation_reason, o.status_history, o.tracking_events, o.version, o.created_at, o.updated_at,
         coalesce((select json_agg(json_build_object('lineNo', i.line_no, 'sku', i.sku, 'quantity', i.quantity,
                                                      'unitPriceCents', i.unit_price_cents) order by i.line_no)
                     from order_items i where i.order_id = o.id), '[]') as items
    from orders o where o.id = $1`;

interface OrderWithItemsRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  /** bigint: pg returns it as text. */
  total_cents: string;
  shipping_address: ShippingAddress;
  delivery_instructions: string | null;
  cancellation_reason: string | null;
  status_history: StatusChange[];
  tracking_events: TrackingEvent[];
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  items: OrderLine[];
}

/** What a view needs of an order line. */
type OrderLine = Pick<OrderItemRow, 'lineNo' | 'sku' | 'quantity' | 'unitPriceCents'>;

/** The customer of an order (null when there is no such order): what scoping a customer's calls checks. */
export async function findOrderCustomer(em: EntityManager, id: string): Promise<string | null> {
  if (!isUuid(id)) return null;
  const order = await em.findOne(Order, { id }, { fields: ['customerId'] });
  return order?.customerId ?? null;
}

export async function findOrderItems(em: EntityManager, id: string): Promise<OrderItemView[] | null> {
  if (!isUuid(id)) return null;
  const items = await em.find(OrderItem, { orderId: id }, { orderBy: { lineNo: 'asc' } });
  if (items.length === 0 && (await em.count(Order, { id })) === 0) return null;
  return items.map(toItemView);
}

/** Newest first, by keyset on (created_at, id): pages stay stable while new orders arrive. */
export async function listOrders(em: EntityManager, options: ListOrdersOptions = {}): Promise<OrderPage> {
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new RangeError(`limit must be an integer from 1 to 100, got ${limit}`);
  }
  if (options.customerId !== undefined && !isUuid(options.customerId)) return { items: [], nextCursor: null };
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const orders = await em.find(
    Order,
    {
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.customerId === undefined ? {} : { customerId: options.customerId }),
      ...(after === undefined
        ? {}
        : {
            [raw((alias) => `(${alias}.created_at, ${alias}.id) < (?, ?)`, [after.createdAt, after.id])]: [],
          }),
    },
    { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: limit + 1 },
  );
  const page = orders.slice(0, limit);
  const items = await em.find(
    OrderItem,
    { orderId: { $in: page.map((order) => order.id) } },
    { orderBy: { lineNo: 'asc' } },
  );
  const last = page[page.length - 1];
  return {
    items: page.map((order) =>
      toOrderView(
        order,
        items.filter((item) => item.orderId === order.id),
      ),
    ),
    nextCursor: orders.length > limit && last ? encodeCursor(last) : null,
  };
}

const cursorSchema = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

function encodeCursor(order: OrderRow): string {
  return Buffer.from(JSON.stringify({ createdAt: order.createdAt.toISOString(), id: order.id })).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const { createdAt, id } = cursorSchema.parse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    return { createdAt: new Date(createdAt), id };
  } catch (error) {
    throw new InvalidCursorError(
      'the cursor is not one this server issued; list again from the start',
      { cursor },
      {
        cause: error,
      },
    );
  }
}

function toItemView(item: OrderLine): OrderItemView {
  return {
    lineNo: item.lineNo,
    sku: item.sku,
    quantity: item.quantity,
    unitPrice: formatCents(item.unitPriceCents),
    lineTotal: formatCents(item.unitPriceCents * item.quantity),
  };
}

function toOrderView(order: OrderRow, items: readonly OrderLine[]): OrderView {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    totalAmount: formatCents(order.totalCents),
    items: items.map(toItemView),
    shippingAddress: order.shippingAddress,
    ...(order.deliveryInstructions == null ? {} : { deliveryInstructions: order.deliveryInstructions }),
    ...(order.cancellationReason == null ? {} : { cancellationReason: order.cancellationReason }),
    statusHistory: order.statusHistory,
    trackingEvents: order.trackingEvents,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
