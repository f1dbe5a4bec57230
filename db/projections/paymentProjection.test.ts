import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import type { Turn } from '../../actors/ports.ts';
import { NO_TIMER_CHANGES } from '../../actors/timers.ts';
import type { PaymentContext } from '../../machines/payment/paymentEvents.ts';
import { projectPayment } from './paymentProjection.ts';

const ORDER_ID = '3f7a1c2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b';
const CUSTOMER_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const charged: PaymentContext = {
  orderId: ORDER_ID,
  customerId: CUSTOMER_ID,
  amountCents: 4990,
  refundedCents: 0,
  rules: { declineAboveCents: 1_000_000, declinedCustomerIds: [] },
  replyTo: { type: 'orderSaga', id: ORDER_ID },
  chargedAt: '2025-03-01T09:00:01.000Z',
  createdAt: '2025-03-01T09:00:00.000Z',
  updatedAt: '2025-03-01T09:00:01.000Z',
};

function turnOf(value: unknown, context: PaymentContext, version: number): Turn {
  return {
    ref: { type: 'payment', id: context.orderId },
    machineId: 'payment',
    machineVersion: '1',
    expectedVersion: version - 1,
    stateBefore: undefined,
    version,
    snapshot: { value, context, status: 'active' },
    message: createEnvelope({ type: 'payment.charge', payload: {} }),
    outbox: [],
    timers: NO_TIMER_CHANGES,
  };
}

describe('projectPayment', () => {
  it('when a payment is charged, then its row has status CHARGED, the amounts and no failure reason', () => {
    expect(projectPayment(turnOf('CHARGED', charged, 1))).toEqual({
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      status: 'CHARGED',
      amountCents: 4990,
      refundedCents: 0,
      failureReason: null,
      version: 1,
      updatedAt: new Date('2025-03-01T09:00:01.000Z'),
    });
  });

  it('when it is refunded, then the refunded amount and the later time follow', () => {
    const refunded = { ...charged, refundedCents: 4990, updatedAt: '2025-03-01T10:00:00.000Z' };

    expect(projectPayment(turnOf('REFUNDED', refunded, 2))).toMatchObject({
      status: 'REFUNDED',
      refundedCents: 4990,
      version: 2,
      updatedAt: new Date('2025-03-01T10:00:00.000Z'),
    });
  });

  it('when a refund overtook the charge, then the VOIDED payment has no customer and says why', () => {
    const { customerId: _customerId, chargedAt: _chargedAt, ...rest } = charged;
    const voided: PaymentContext = {
      ...rest,
      amountCents: 0,
      failureReason: 'VOIDED: refunded before any charge',
    };

    expect(projectPayment(turnOf('VOIDED', voided, 1))).toMatchObject({
      status: 'VOIDED',
      customerId: null,
      amountCents: 0,
      failureReason: 'VOIDED: refunded before any charge',
    });
  });

  it('when it is declined, then the failure reason is kept', () => {
    const declined = { ...charged, failureReason: 'amount above the limit' };

    expect(projectPayment(turnOf('DECLINED', declined, 1))).toMatchObject({
      status: 'DECLINED',
      failureReason: 'amount above the limit',
    });
  });

  it('when the state is not a payment status, then it refuses to project', () => {
    expect(() => projectPayment(turnOf('PAID', charged, 1))).toThrow(/is not a payment status/);
  });
});
