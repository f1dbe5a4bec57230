import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { createEnvelope } from '../../actors/envelope.ts';
import {
  findInventoryItem,
  listInventoryItems,
  listLowStock,
  listReservations,
} from '../../db/inventoryQueries.ts';
import { INVENTORY_ITEM_CREATE } from '../../machines/inventoryItem/inventoryItemEvents.ts';
import type { Context } from '../context.ts';
import {
  createItemInput,
  listItemsInput,
  listReservationsInput,
  skuOnlyInput,
  updateItemInput,
} from '../inventoryInputs.ts';
import { publicProcedure, router } from '../trpc.ts';

/**
 * Inventory: commands go to the item actor (id = SKU) over the transport and are answered once persisted; reads
 * come from the read model the same turn committed. Rejections (a second, different create; a delete while units
 * are reserved; anything sent to a deleted item) come back from the machine as COMMAND_REJECTED -> CONFLICT.
 */
async function send(ctx: Context, sku: string, command: { type: string; payload: unknown; id?: string }) {
  await ctx.deps.transport.request(
    { type: 'inventoryItem', id: sku },
    createEnvelope({ ...command, correlationId: ctx.correlationId }),
    {
      timeoutMs: ctx.deps.commandTimeoutMs,
    },
  );
}

async function readItem(ctx: Context, sku: string) {
  const item = await findInventoryItem(ctx.deps.orm.em.fork(), sku);
  if (!item) throw new TRPCError({ code: 'NOT_FOUND', message: `inventory item ${sku} does not exist` });
  return item;
}

/**
 * The create's message id: the SKU plus a digest of what is created. The same create sent again is the same
 * message (a duplicate: acknowledged, and the item returned); a different create for an existing SKU is a new
 * message, which the existing item rejects (CONFLICT).
 */
export function createMessageId(input: {
  sku: string;
  name: string;
  quantity: number;
  lowStockThreshold: number;
}) {
  const digest = createHash('sha256')
    .update(JSON.stringify([input.name, input.quantity, input.lowStockThreshold]))
    .digest('hex')
    .slice(0, 16);
  return `${INVENTORY_ITEM_CREATE}:${input.sku}:${digest}`;
}

const itemsRouter = router({
  create: publicProcedure.input(createItemInput).mutation(async ({ ctx, input }) => {
    const { sku, name, quantity, lowStockThreshold } = input;
    await send(ctx, sku, {
      id: createMessageId(input),
      type: INVENTORY_ITEM_CREATE,
      payload: { name, quantity, lowStockThreshold },
    });
    return readItem(ctx, sku);
  }),

  get: publicProcedure.input(skuOnlyInput).query(({ ctx, input }) => readItem(ctx, input.sku)),

  list: publicProcedure.input(listItemsInput).query(({ ctx, input }) =>
    listInventoryItems(ctx.deps.orm.em.fork(), {
      limit: input.limit,
      ...(input.cursor ? { cursor: input.cursor } : {}),
      ...(input.status ? { status: input.status } : {}),
    }),
  ),

  /** Name and threshold in one `inventory.item.update`, then `inventory.restock` when asked (two turns). */
  update: publicProcedure.input(updateItemInput).mutation(async ({ ctx, input }) => {
    const { sku, name, lowStockThreshold, restock } = input;
    if (name !== undefined || lowStockThreshold !== undefined) {
      await send(ctx, sku, {
        type: 'inventory.item.update',
        payload: {
          ...(name !== undefined ? { name } : {}),
          ...(lowStockThreshold !== undefined ? { lowStockThreshold } : {}),
        },
      });
    }
    if (restock !== undefined) {
      await send(ctx, sku, { type: 'inventory.restock', payload: { quantity: restock } });
    }
    return readItem(ctx, sku);
  }),

  delete: publicProcedure.input(skuOnlyInput).mutation(async ({ ctx, input }) => {
    await send(ctx, input.sku, { type: 'inventory.item.delete', payload: {} });
    return readItem(ctx, input.sku);
  }),
});

export const inventoryRouter = router({
  items: itemsRouter,

  reservations: router({
    list: publicProcedure.input(listReservationsInput).query(({ ctx, input }) =>
      listReservations(ctx.deps.orm.em.fork(), {
        ...(input.orderId !== undefined ? { orderId: input.orderId } : {}),
        ...(input.sku !== undefined ? { sku: input.sku } : {}),
      }),
    ),
  }),

  lowStock: publicProcedure.query(({ ctx }) => listLowStock(ctx.deps.orm.em.fork())),
});
