import { TRPCError } from '@trpc/server';
import { createEnvelope } from '../../actors/envelope.ts';
import { findOrder, findOrderItems, listOrders } from '../../db/orderQueries.ts';
import { COMMAND_FOR_STATUS, ORDER_CREATE } from '../../machines/order/orderEvents.ts';
import type { Context } from '../context.ts';
import {
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
 */
async function send(ctx: Context, orderId: string, command: { type: string; payload: unknown; id?: string }) {
  const envelope = createEnvelope({ ...command, correlationId: ctx.correlationId });
  await ctx.deps.transport.request({ type: 'order', id: orderId }, envelope, {
    timeoutMs: ctx.deps.commandTimeoutMs,
  });
  return readOrder(ctx, orderId);
}

async function readOrder(ctx: Context, id: string) {
  const order = await findOrder(ctx.deps.orm.em.fork(), id);
  if (!order) throw new TRPCError({ code: 'NOT_FOUND', message: `order ${id} does not exist` });
  return order;
}

export const ordersRouter = router({
  create: publicProcedure.input(createOrderInput).mutation(({ ctx, input }) => {
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

  list: publicProcedure.input(listOrdersInput).query(({ ctx, input }) =>
    listOrders(ctx.deps.orm.em.fork(), {
      limit: input.limit,
      ...(input.cursor ? { cursor: input.cursor } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.customerId ? { customerId: input.customerId } : {}),
    }),
  ),

  updateStatus: publicProcedure.input(updateStatusInput).mutation(({ ctx, input }) => {
    const type = COMMAND_FOR_STATUS[input.status];
    const payload =
      input.status === 'CANCELLED' ? { reason: input.reason ?? 'cancelled by status update' } : {};
    return send(ctx, input.id, { type, payload });
  }),

  cancel: publicProcedure
    .input(cancelOrderInput)
    .mutation(({ ctx, input }) =>
      send(ctx, input.id, { type: 'order.cancel', payload: { reason: input.reason } }),
    ),

  /** Streams (SSE) the order's status changes and saga steps, from the current state on. */
  track: publicProcedure.input(orderIdInput).subscription(async function* ({ ctx, input, signal }) {
    const order = await findOrder(ctx.deps.orm.em.fork(), input.id);
    if (!order) throw new TRPCError({ code: 'NOT_FOUND', message: `order ${input.id} does not exist` });
    yield* trackOrder(ctx, input.id, signal);
  }),

  items: publicProcedure.input(orderIdInput).query(async ({ ctx, input }) => {
    const items = await findOrderItems(ctx.deps.orm.em.fork(), input.id);
    if (!items) throw new TRPCError({ code: 'NOT_FOUND', message: `order ${input.id} does not exist` });
    return items;
  }),
});
