import { describe, expect, it } from 'vitest';
import { initialTransition, type SnapshotFrom, transition } from 'xstate';
import { createEnvelope } from '../../actors/envelope.ts';
import type { PersistedSnapshot, Turn } from '../../actors/ports.ts';
import { NO_TIMER_CHANGES } from '../../actors/timers.ts';
import type { OrderInput } from '../../machines/order/orderEvents.ts';
import { orderMachine } from '../../machines/order/orderMachine.ts';
import { projectOrder } from './orderProjection.ts';

const ORDER_ID = '3f7a1c2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b';
const CUSTOMER_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const input: OrderInput = {
  orderId: ORDER_ID,
  customerId: CUSTOMER_ID,
  items: [
    { sku: 'MUG-01', quantity: 2, unitPriceCents: 1250 },
    { sku: 'TEA-07', quantity: 1, unitPriceCents: 499 },
  ],
  shippingAddress: { street: '1 Main St', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'US' },
  deliveryInstructions: 'leave at the door',
  at: '2025-03-01T09:00:00.000Z',
};

function turnOf(snapshot: SnapshotFrom<typeof orderMachine>, version: number): Turn {
  return {
    ref: { type: 'order', id: ORDER_ID },
    machineId: 'order',
    machineVersion: '1',
    expectedVersion: version - 1,
    stateBefore: undefined,
    version,
    snapshot: orderMachine.getPersistedSnapshot(snapshot) as unknown as PersistedSnapshot,
    message: createEnvelope({ type: 'order.create', payload: {} }),
    outbox: [],
    timers: NO_TIMER_CHANGES,
  };
}

describe('projectOrder', () => {
  it('when an order is created, then its row and numbered item lines mirror the machine context', () => {
    const [created] = initialTransition(orderMachine, input);

    const { order, items } = projectOrder(turnOf(created, 1));

    expect(order).toEqual({
      id: ORDER_ID,
      customerId: CUSTOMER_ID,
      status: 'PENDING',
      totalCents: 2 * 1250 + 499,
      shippingAddress: input.shippingAddress,
      deliveryInstructions: 'leave at the door',
      cancellationReason: null,
      statusHistory: [{ status: 'PENDING', at: input.at }],
      trackingEvents: [],
      version: 1,
      createdAt: new Date(input.at),
      updatedAt: new Date(input.at),
    });
    expect(items).toEqual([
      { orderId: ORDER_ID, lineNo: 1, sku: 'MUG-01', quantity: 2, unitPriceCents: 1250 },
      { orderId: ORDER_ID, lineNo: 2, sku: 'TEA-07', quantity: 1, unitPriceCents: 499 },
    ]);
  });

  it('when an order is cancelled, then status, reason, history, version and updatedAt follow', () => {
    const [created] = initialTransition(orderMachine, input);
    const cancelAt = '2025-03-01T10:30:00.000Z';
    const [cancelled] = transition(orderMachine, created, {
      type: 'order.cancel',
      reason: 'changed mind',
      at: cancelAt,
    });

    const { order } = projectOrder(turnOf(cancelled, 2));

    expect(order).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'changed mind',
      version: 2,
      createdAt: new Date(input.at),
      updatedAt: new Date(cancelAt),
    });
    expect(order.statusHistory.map((change) => change.status)).toEqual(['PENDING', 'CANCELLED']);
  });

  it('when tracking events arrive, then they are projected in order', () => {
    let [snapshot] = initialTransition(orderMachine, input);
    for (const type of ['order.confirm', 'order.process', 'order.ship'] as const) {
      [snapshot] = transition(orderMachine, snapshot, { type, at: '2025-03-01T11:00:00.000Z' });
    }
    [snapshot] = transition(orderMachine, snapshot, {
      type: 'shipment.inTransit',
      kind: 'IN_TRANSIT',
      occurredAt: '2025-03-01T20:00:00+01:00',
      location: 'Chicago hub',
      at: '2025-03-01T20:05:00.000Z',
    });

    const { order } = projectOrder(turnOf(snapshot, 5));

    expect(order.status).toBe('SHIPPED');
    expect(order.deliveryInstructions).toBe('leave at the door');
    expect(order.trackingEvents).toEqual([
      { kind: 'IN_TRANSIT', occurredAt: '2025-03-01T20:00:00+01:00', location: 'Chicago hub' },
    ]);
  });

  it('when the snapshot value is not an order status, then it refuses to project', () => {
    const [created] = initialTransition(orderMachine, input);
    const turn = turnOf(created, 1);

    expect(() =>
      projectOrder({ ...turn, snapshot: { ...turn.snapshot, value: { nested: 'state' } } }),
    ).toThrow(/is not an order status/);
  });
});
