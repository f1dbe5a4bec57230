import { TRPCError } from '@trpc/server';
import { createEnvelope } from '../../actors/envelope.ts';
import { findOrder, findOrderCustomer, findOrderItems, listOrders } from '../../db/orderQueries.ts';
import { COMMAND_FOR_STATUS, ORDER_CREATE } from '../../machines/order/orderEvents.ts';
import { customerScope } from '../auth/authorize.ts';
import type { Context } from '../context.ts';
import { awaitOrderStatus } from '../orderAwait.ts';
import {
  awaitStatusInput,
  cancelOrderInput,
  createOrderInput,
  listOrdersInput,
  orderIdInput,
  updateStatusInput,
} from '../orderInputs.ts';
import { trackOrder } from '../orderTracking.ts';
import { publicProcedure, router } from '../trpc.ts';

/**
 * Orders: commands go to the order actor over the transport (and are answered once persisted); reads come from
 * the read model, which the same turn committed, so a read after a command always sees it.
 *
 * A `customer` key is confined to its customer's orders: it creates orders only for that customer, its lists
 * are always filtered to it (whatever `customerId` it asks for), and another customer's order answers exactly as
 * a missing one does (NOT_FOUND, same message), checked before any command is sent.
 */
const orderNotFound = (id: string) =>
  new TRPCError({ code: 'NOT_FOUND', message: `order ${id} does not exist` });

async function send(ctx: Context, orderId: string, command: { type: string; payload: unknown; id?: string }) {
  const envelope = createEnvelope({ ...command, correlationId: ctx.correlationId });
  await ctx.deps.transport.request({ type: 'order', id: orderId }, envelope, {
    timeoutMs: ctx.deps.commandTimeoutMs,
  });
  return readOrder(ctx, orderId);
}

/** A command to an existing order, sent only when the caller may see that order. */
async function command(ctx: Context, orderId: string, message: { type: string; payload: unknown }) {
  await ensureVisible(ctx, orderId);
  return send(ctx, orderId, message);
}

async function readOrder(ctx: Context, id: string) {
  const order = await findOrder(ctx.deps.orm, id);
  if (!order || !isVisible(ctx, order.customerId)) throw orderNotFound(id);
  return order;
}

const isVisible = (ctx: Context, customerId: string): boolean => {
  const scope = customerScope(ctx);
  return scope === undefined || scope === customerId;
};

/** Throws NOT_FOUND (as for a missing order) when a customer key asks about another customer's order. */
async function ensureVisible(ctx: Context, orderId: string): Promise<void> {
  if (customerScope(ctx) === undefined) return;
  const customerId = await findOrderCustomer(ctx.deps.orm.em.fork(), orderId);
  if (customerId === null || !isVisible(ctx, customerId)) throw orderNotFound(orderId);
}

/** A customer key creates orders for its own customer only, and cannot reuse another customer's order id. */
async function ensureCreatable(ctx: Context, input: { orderId?: string | undefined; customerId: string }) {
  const scope = customerScope(ctx);
  if (scope === undefined) return;
  if (input.customerId !== scope) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'a customer key creates orders for its own customer only',
    });
  }
  if (input.orderId === undefined) return;
  const owner = await findOrderCustomer(ctx.deps.orm.em.fork(), input.orderId);
  if (owner !== null && owner !== scope) {
    throw new TRPCError({ code: 'CONFLICT', message: `order id ${input.orderId} is taken: choose another` });
  }
}

export const ordersRouter = router({
  create: publicProcedure.input(createOrderInput).mutation(async ({ ctx, input }) => {
    await ensureCreatable(ctx, input);
    const orderId = input.orderId ?? crypto.randomUUID();
    const items = input.items.map(({ sku, quantity, unitPrice }) => ({
      sku,
      quantity,
      unitPriceCents: unitPrice,
    }));
    const { customerId, shippingAddress, deliveryInstructions } = input;
    return send(ctx, orderId, {
      // A deterministic message id makes a retried create (same orderId) a duplicate, not a conflict.
      id: `${ORDER_CREATE}:${orderId}`,
      type: ORDER_CREATE,
      payload: {
        customerId,
        items,
        shippingAddress,
        ...(deliveryInstructions ? { deliveryInstructions } : {}),
      },
    });
  }),

  get: publicProcedure.input(orderIdInput).query(({ ctx, input }) => readOrder(ctx, input.id)),

  /** A customer key lists its own customer's orders: its `customerId` filter, if any, is replaced by its own. */
  list: publicProcedure.input(listOrdersInput).query(({ ctx, input }) => {
    const customerId = customerScope(ctx) ?? input.customerId;
    return listOrders(ctx.deps.orm.em.fork(), {
      limit: input.limit,
      ...(input.cursor ? { cursor: input.cursor } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(customerId ? { customerId } : {}),
    });
  }),

  updateStatus: publicProcedure.input(updateStatusInput).mutation(({ ctx, input }) => {
    const type = COMMAND_FOR_STATUS[input.status];
    const payload =
      input.status === 'CANCELLED' ? { reason: input.reason ?? 'cancelled by status update' } : {};
    return command(ctx, input.id, { type, payload });
  }),

  cancel: publicProcedure
    .input(cancelOrderInput)
    .mutation(({ ctx, input }) =>
      command(ctx, input.id, { type: 'order.cancel', payload: { reason: input.reason } }),
    ),

  /** Streams (SSE) the order's status changes and saga steps, from the current state on. */
  track: publicProcedure.input(orderIdInput).subscription(async function* ({ ctx, input, signal }) {
    yield* trackOrder(ctx, input.id, signal, () => readOrder(ctx, input.id));
  }),

  /**
   * Answers when the order is in one of `statuses` (at once if it already is), or with `reached: false` and its
   * current state after `timeoutMs`: a long poll, one call instead of a stream.
   */
  awaitStatus: publicProcedure
    .input(awaitStatusInput)
    .query(({ ctx, input, signal }) =>
      awaitOrderStatus(
        ctx,
        { orderId: input.id, statuses: input.statuses, timeoutMs: input.timeoutMs },
        signal,
        () => readOrder(ctx, input.id),
      ),
    ),

  items: publicProcedure.input(orderIdInput).query(async ({ ctx, input }) => {
    await ensureVisible(ctx, input.id);
    const items = await findOrderItems(ctx.deps.orm.em.fork(), input.id);
    if (!items) throw orderNotFound(input.id);
    return items;
  }),
});
