import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import type { Turn } from '../../actors/ports.ts';
import { NO_TIMER_CHANGES } from '../../actors/timers.ts';
import type { InventoryItemContext } from '../../machines/inventoryItem/inventoryItemEvents.ts';
import { projectInventoryItem } from './inventoryProjection.ts';

const ORDER_A = '3f7a1c2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b';
const ORDER_B = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const context: InventoryItemContext = {
  sku: 'MUG-01',
  name: 'Blue mug',
  available: 7,
  reserved: 3,
  lowStockThreshold: 5,
  reservations: {
    [ORDER_A]: { orderId: ORDER_A, quantity: 3, status: 'held', at: '2025-03-01T10:00:00.000Z' },
    [ORDER_B]: {
      orderId: ORDER_B,
      quantity: 20,
      status: 'failed',
      reason: 'INSUFFICIENT_STOCK',
      shortfall: 10,
      at: '2025-03-01T11:00:00+01:00',
    },
  },
  createdAt: '2025-03-01T09:00:00.000Z',
  updatedAt: '2025-03-01T11:30:00.000Z',
};

function turnOf(value: unknown, ctx: InventoryItemContext, version: number): Turn {
  return {
    ref: { type: 'inventoryItem', id: ctx.sku },
    machineId: 'inventoryItem',
    machineVersion: '1',
    expectedVersion: version - 1,
    stateBefore: undefined,
    version,
    snapshot: { value, context: ctx, status: value === 'deleted' ? 'done' : 'active' },
    message: createEnvelope({ type: 'inventory.reserve', payload: {} }),
    outbox: [],
    timers: NO_TIMER_CHANGES,
  };
}

describe('projectInventoryItem', () => {
  it('when an item is active, then its row mirrors the context with status active and the turn version', () => {
    const { item } = projectInventoryItem(turnOf('active', context, 4));

    expect(item).toEqual({
      sku: 'MUG-01',
      name: 'Blue mug',
      available: 7,
      reserved: 3,
      lowStockThreshold: 5,
      status: 'active',
      version: 4,
      createdAt: new Date('2025-03-01T09:00:00.000Z'),
      updatedAt: new Date('2025-03-01T11:30:00.000Z'),
    });
  });

  it('when the item holds reservation entries, then each becomes a row with its status, reason and time', () => {
    const { reservations } = projectInventoryItem(turnOf('active', context, 4));

    expect(reservations).toEqual([
      {
        sku: 'MUG-01',
        orderId: ORDER_A,
        quantity: 3,
        status: 'held',
        reason: null,
        updatedAt: new Date('2025-03-01T10:00:00.000Z'),
      },
      {
        sku: 'MUG-01',
        orderId: ORDER_B,
        quantity: 20,
        status: 'failed',
        reason: 'INSUFFICIENT_STOCK',
        updatedAt: new Date('2025-03-01T10:00:00.000Z'),
      },
    ]);
  });

  it('when an item was just created, then it has no reservation rows', () => {
    const created: InventoryItemContext = { ...context, reserved: 0, reservations: {} };

    expect(projectInventoryItem(turnOf('active', created, 1)).reservations).toEqual([]);
  });

  it('when the item is deleted, then its row says deleted', () => {
    const { item } = projectInventoryItem(
      turnOf('deleted', { ...context, reserved: 0, reservations: {} }, 9),
    );

    expect(item).toMatchObject({ status: 'deleted', version: 9 });
  });

  it('when the state is not an item status, then it refuses to project', () => {
    expect(() => projectInventoryItem(turnOf('somewhere', context, 2))).toThrow(
      /is not an inventory item status/,
    );
    expect(() => projectInventoryItem(turnOf({ active: 'x' }, context, 2))).toThrow(RangeError);
  });
});
