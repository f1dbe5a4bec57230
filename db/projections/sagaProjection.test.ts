import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import type { Turn } from '../../actors/ports.ts';
import { NO_TIMER_CHANGES } from '../../actors/timers.ts';
import type { CancellationSagaContext } from '../../machines/cancellationSaga/cancellationSagaEvents.ts';
import type { OrderSagaContext } from '../../machines/orderSaga/orderSagaEvents.ts';
import { projectSaga } from './sagaProjection.ts';

const ORDER_ID = '3f7a1c2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b';
const CUSTOMER_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const orderSaga: OrderSagaContext = {
  orderId: ORDER_ID,
  customerId: CUSTOMER_ID,
  lines: [{ sku: 'MUG-01', quantity: 2, status: 'reserved' }],
  totalCents: 2500,
  payment: 'charging',
  stepTimeoutMs: 30_000,
  cancelledByCustomer: false,
  steps: [
    { step: 'reserve MUG-01', status: 'started', at: '2025-03-01T09:00:00.000Z' },
    { step: 'reserve MUG-01', status: 'done', at: '2025-03-01T09:00:01.000Z' },
    { step: 'charge', status: 'started', at: '2025-03-01T09:00:01.000Z' },
  ],
  startedAt: '2025-03-01T09:00:00.000Z',
  updatedAt: '2025-03-01T09:00:01.000Z',
};

const cancellation: CancellationSagaContext = {
  orderId: ORDER_ID,
  customerId: CUSTOMER_ID,
  reason: 'customer changed their mind',
  lines: [{ sku: 'MUG-01', quantity: 2, status: 'released' }],
  refund: 'refunded',
  stepTimeoutMs: 30_000,
  steps: [{ step: 'refund', status: 'done', at: '2025-03-02T10:00:02.000Z', detail: 'refunded 25.00' }],
  startedAt: '2025-03-02T10:00:00.000Z',
  updatedAt: '2025-03-02T10:00:02.000Z',
};

function turnOf(type: string, value: unknown, context: unknown, version: number): Turn {
  return {
    ref: { type, id: ORDER_ID },
    machineId: type,
    machineVersion: '1',
    expectedVersion: version - 1,
    stateBefore: undefined,
    version,
    snapshot: { value, context, status: 'active' },
    message: createEnvelope({ type: 'order.created', payload: {} }),
    outbox: [],
    timers: NO_TIMER_CHANGES,
  };
}

describe('projectSaga', () => {
  it('when an order saga is charging, then its row names the type, state, steps and times', () => {
    expect(projectSaga(turnOf('orderSaga', 'charging', orderSaga, 3))).toEqual({
      sagaType: 'orderSaga',
      sagaId: ORDER_ID,
      orderId: ORDER_ID,
      state: 'charging',
      failureReason: null,
      steps: orderSaga.steps,
      version: 3,
      startedAt: new Date('2025-03-01T09:00:00.000Z'),
      updatedAt: new Date('2025-03-01T09:00:01.000Z'),
    });
  });

  it('when an order saga compensates, then its failure reason is shown', () => {
    const failed = { ...orderSaga, failureReason: 'payment declined: amount above the limit' };

    expect(projectSaga(turnOf('orderSaga', 'compensating', failed, 4))).toMatchObject({
      state: 'compensating',
      failureReason: 'payment declined: amount above the limit',
    });
  });

  it('when a cancellation saga completes, then its row carries the cancellation reason as failure reason', () => {
    expect(projectSaga(turnOf('cancellationSaga', 'completed', cancellation, 3))).toEqual({
      sagaType: 'cancellationSaga',
      sagaId: ORDER_ID,
      orderId: ORDER_ID,
      state: 'completed',
      failureReason: 'customer changed their mind',
      steps: cancellation.steps,
      version: 3,
      startedAt: new Date('2025-03-02T10:00:00.000Z'),
      updatedAt: new Date('2025-03-02T10:00:02.000Z'),
    });
  });

  it('when the state value is nested, then it is stored as readable text', () => {
    expect(projectSaga(turnOf('orderSaga', { compensating: 'waiting' }, orderSaga, 5)).state).toBe(
      'compensating.waiting',
    );
  });

  it('when the actor is not a saga, then it refuses to project', () => {
    expect(() => projectSaga(turnOf('order', 'PENDING', orderSaga, 1))).toThrow(/not a saga type/);
  });
});
