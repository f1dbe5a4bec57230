import { and, assertEvent, assign, emit, setup } from 'xstate';
import type {
  InventoryItemContext,
  InventoryItemEmitted,
  InventoryItemEvent,
  InventoryItemInput,
  Reservation,
} from './inventoryItemEvents.ts';
import { crossesBelowThreshold, withEntry } from './reservations.ts';

/**
 * One SKU's stock (actor id = SKU): available and reserved units, and one entry per order id so that repeated, late
 * and early messages get their first answer again (docs/sagas.md). Consumes `inventory.item.*`, restock, reserve,
 * release and commit; emits the answers `inventory.reserved|reservation.failed|released|committed` and `low-stock`.
 */
type Context = InventoryItemContext;

const entryFor = (context: Context, event: InventoryItemEvent): Reservation | undefined =>
  'orderId' in event ? context.reservations[event.orderId] : undefined;

const heldEntry = (context: Context, event: InventoryItemEvent): Reservation => {
  const entry = entryFor(context, event);
  if (entry?.status !== 'held') throw new RangeError(`${event.type} applies only to a held reservation`);
  return entry;
};

const level = (available: number, threshold: number) => ({ available, threshold });

export const inventoryItemMachine = setup({
  types: {
    context: {} as Context,
    events: {} as InventoryItemEvent,
    input: {} as InventoryItemInput,
    emitted: {} as InventoryItemEmitted,
  },
  guards: {
    isKnownOrder: ({ context, event }) => entryFor(context, event) !== undefined,
    isHeld: ({ context, event }) => entryFor(context, event)?.status === 'held',
    hasStock: ({ context, event }) => {
      assertEvent(event, 'inventory.reserve');
      return event.quantity <= context.available;
    },
    reserveCrossesLowStock: ({ context, event }) => {
      assertEvent(event, 'inventory.reserve');
      const { available, lowStockThreshold: threshold } = context;
      return crossesBelowThreshold(level(available, threshold), level(available - event.quantity, threshold));
    },
    updateCrossesLowStock: ({ context, event }) => {
      assertEvent(event, 'inventory.item.update');
      const { available, lowStockThreshold: threshold } = context;
      const next = event.lowStockThreshold ?? threshold;
      return crossesBelowThreshold(level(available, threshold), level(available, next));
    },
    hasNothingReserved: ({ context }) => context.reserved === 0,
  },
  actions: {
    applyUpdate: assign(({ context, event }) => {
      assertEvent(event, 'inventory.item.update');
      return {
        name: event.name ?? context.name,
        lowStockThreshold: event.lowStockThreshold ?? context.lowStockThreshold,
        updatedAt: event.at,
      };
    }),
    addStock: assign(({ context, event }) => {
      assertEvent(event, 'inventory.restock');
      return { available: context.available + event.quantity, updatedAt: event.at };
    }),
    holdStock: assign(({ context, event }) => {
      assertEvent(event, 'inventory.reserve');
      const { orderId, quantity, at } = event;
      return {
        available: context.available - quantity,
        reserved: context.reserved + quantity,
        reservations: withEntry(context.reservations, { orderId, quantity, status: 'held', at }),
        updatedAt: at,
      };
    }),
    recordShortfall: assign(({ context, event }) => {
      assertEvent(event, 'inventory.reserve');
      const { orderId, quantity, at } = event;
      const shortfall = quantity - context.available;
      const entry: Reservation = {
        orderId,
        quantity,
        status: 'failed',
        reason: 'INSUFFICIENT_STOCK',
        shortfall,
        at,
      };
      return { reservations: withEntry(context.reservations, entry), updatedAt: at };
    }),
    releaseHeld: assign(({ context, event }) => {
      assertEvent(event, 'inventory.release');
      const entry = heldEntry(context, event);
      return {
        available: context.available + entry.quantity,
        reserved: context.reserved - entry.quantity,
        reservations: withEntry(context.reservations, { ...entry, status: 'released', at: event.at }),
        updatedAt: event.at,
      };
    }),
    recordEarlyRelease: assign(({ context, event }) => {
      assertEvent(event, 'inventory.release');
      const entry: Reservation = { orderId: event.orderId, quantity: 0, status: 'released', at: event.at };
      return { reservations: withEntry(context.reservations, entry), updatedAt: event.at };
    }),
    commitHeld: assign(({ context, event }) => {
      assertEvent(event, 'inventory.commit');
      const entry = heldEntry(context, event);
      return {
        reserved: context.reserved - entry.quantity,
        reservations: withEntry(context.reservations, { ...entry, status: 'committed', at: event.at }),
        updatedAt: event.at,
      };
    }),
    // An accepted transition needs an action or a target, or `snapshot.can` reports it as not accepted.
    acknowledge: () => {},
    recordDeletion: assign(({ event }) => ({ updatedAt: event.at })),
    // Built from the entry the reserve left behind, so the first answer and every repeat are the same fact.
    answerReserve: emit(({ context, event }): InventoryItemEmitted => {
      assertEvent(event, 'inventory.reserve');
      const entry = entryFor(context, event);
      const answer = { sku: context.sku, orderId: event.orderId, replyTo: event.replyTo };
      if (!entry) throw new RangeError('a reserve is answered after its entry is written');
      if (entry.status === 'held' || entry.status === 'committed') {
        return { type: 'inventory.reserved', ...answer, quantity: entry.quantity };
      }
      if (entry.status === 'released') {
        const refused = { requested: event.quantity, available: context.available, shortfall: 0 };
        return { type: 'inventory.reservation.failed', ...answer, ...refused, reason: 'RELEASED' };
      }
      // INSUFFICIENT_STOCK is the only failure this machine records.
      const shortfall = entry.shortfall ?? 0;
      const refused = { requested: entry.quantity, available: entry.quantity - shortfall, shortfall };
      return { type: 'inventory.reservation.failed', ...answer, ...refused, reason: 'INSUFFICIENT_STOCK' };
    }),
    answerRelease: emit(({ context, event }) => {
      assertEvent(event, 'inventory.release');
      const entry = entryFor(context, event);
      return {
        type: 'inventory.released' as const,
        sku: context.sku,
        orderId: event.orderId,
        // Only a released entry gave stock back; failed and committed ones had nothing (left) to give.
        quantity: entry?.status === 'released' ? entry.quantity : 0,
        replyTo: event.replyTo,
      };
    }),
    emitCommitted: emit(({ context, event }) => {
      assertEvent(event, 'inventory.commit');
      const entry = entryFor(context, event);
      const quantity = entry?.quantity ?? 0;
      return { type: 'inventory.committed' as const, sku: context.sku, orderId: event.orderId, quantity };
    }),
    emitLowStock: emit(({ context }) => ({
      type: 'inventory.low-stock' as const,
      sku: context.sku,
      available: context.available,
      threshold: context.lowStockThreshold,
    })),
  },
}).createMachine({
  id: 'inventoryItem',
  version: '1',
  context: ({ input }) => ({
    sku: input.sku,
    name: input.name,
    available: input.quantity,
    reserved: 0,
    lowStockThreshold: input.lowStockThreshold,
    reservations: {},
    createdAt: input.at,
    updatedAt: input.at,
  }),
  initial: 'active',
  states: {
    active: {
      description: 'In the catalogue: restocked, reserved, released, committed; every request is answered.',
      on: {
        'inventory.item.update': [
          {
            guard: 'updateCrossesLowStock',
            actions: ['applyUpdate', 'emitLowStock'],
            description: 'A threshold raised above the current stock is a low-stock crossing too.',
          },
          { actions: 'applyUpdate' },
        ],
        'inventory.restock': {
          actions: 'addStock',
          description: 'Adds to available; a low-stock condition may clear (no fact announces that).',
        },
        'inventory.reserve': [
          {
            guard: 'isKnownOrder',
            actions: 'answerReserve',
            description: 'Answered before: that answer again; released first: RELEASED. No change.',
          },
          {
            guard: and(['hasStock', 'reserveCrossesLowStock']),
            actions: ['holdStock', 'answerReserve', 'emitLowStock'],
            description: 'Fits, and leaves available below the threshold.',
          },
          { guard: 'hasStock', actions: ['holdStock', 'answerReserve'], description: 'Fits: held.' },
          {
            actions: ['recordShortfall', 'answerReserve'],
            description: 'More than available: failed with the shortfall (never oversold).',
          },
        ],
        'inventory.release': [
          { guard: 'isHeld', actions: ['releaseHeld', 'answerRelease'], description: 'Stock goes back.' },
          {
            guard: 'isKnownOrder',
            actions: 'answerRelease',
            description: 'Already released, failed or committed: answered again, nothing changes.',
          },
          {
            actions: ['recordEarlyRelease', 'answerRelease'],
            description: 'Overtook its reservation: released (0), so the later reserve is refused.',
          },
        ],
        'inventory.commit': [
          { guard: 'isHeld', actions: ['commitHeld', 'emitCommitted'], description: 'Held stock leaves.' },
          { actions: 'acknowledge', description: 'Nothing held for this order: nothing to commit.' },
        ],
        'inventory.item.delete': {
          guard: 'hasNothingReserved',
          target: 'deleted',
          actions: 'recordDeletion',
          description: 'Only with nothing reserved, so no held reservation is lost.',
        },
      },
    },
    deleted: {
      description: 'Removed from the catalogue: final, it accepts nothing more.',
      type: 'final',
    },
  },
});

export type InventoryItemMachine = typeof inventoryItemMachine;
