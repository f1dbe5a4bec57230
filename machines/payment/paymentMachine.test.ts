import { describe, expect, it } from 'vitest';
import { getNextTransitions, initialTransition, type SnapshotFrom, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { ReplyTo } from '../shared/replyTo.ts';
import { declineOf, formatCents } from './gatewayRules.ts';
import {
  type PaymentEmitted,
  type PaymentEvent,
  type PaymentRules,
  paymentEventSchema,
  paymentFailedSchema,
  paymentProcessedSchema,
  paymentRefundedSchema,
  paymentRulesSchema,
} from './paymentEvents.ts';
import { paymentMachine } from './paymentMachine.ts';

type PaymentSnapshot = SnapshotFrom<typeof paymentMachine>;
type PaymentState = 'CHARGED' | 'DECLINED' | 'REFUNDED' | 'VOIDED';

const ORDER_ID = '0b4f6c1e-8a53-4d0f-9a57-0c1f2d3e4f50';
const CUSTOMER_ID = '7d2c9e41-3b6a-4f8e-b1c2-d3e4f5a6b7c8';
const BLOCKED_CUSTOMER_ID = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const CREATED_AT = '2025-03-01T09:00:00.000Z';
const LATER = '2025-03-01T09:05:00.000Z';
const LATEST = '2025-03-01T09:10:00.000Z';

const RULES: PaymentRules = { declineAboveCents: 10_000_00, declinedCustomerIds: [BLOCKED_CUSTOMER_ID] };
const SAGA: ReplyTo = { type: 'orderSaga', id: ORDER_ID };
const CANCELLATION: ReplyTo = { type: 'cancellationSaga', id: ORDER_ID };
const STATES: readonly PaymentState[] = ['CHARGED', 'DECLINED', 'REFUNDED', 'VOIDED'];
const BOTH_COMMANDS = ['payment.charge', 'payment.refund'];

const charge = (
  amountCents: number,
  overrides: Partial<Extract<PaymentEvent, { type: 'payment.charge' }>> = {},
) =>
  ({
    type: 'payment.charge',
    orderId: ORDER_ID,
    customerId: CUSTOMER_ID,
    amountCents,
    replyTo: SAGA,
    at: CREATED_AT,
    ...overrides,
  }) as const;
const refund = (at = LATER, replyTo: ReplyTo = SAGA) =>
  ({ type: 'payment.refund', orderId: ORDER_ID, reason: 'order cancelled', replyTo, at }) as const;

const ANSWER_SCHEMAS = {
  'payment.processed': paymentProcessedSchema,
  'payment.failed': paymentFailedSchema,
  'payment.refunded': paymentRefundedSchema,
} as const;

/** The emitted facts, each checked against its published schema (no missing or extra field). */
function emittedBy(actions: readonly { type: string; params?: unknown }[]): PaymentEmitted[] {
  const emitted = actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: PaymentEmitted }).event);
  for (const { type, ...payload } of emitted) {
    expect(ANSWER_SCHEMAS[type].strict().parse(payload)).toStrictEqual(payload);
  }
  return emitted;
}

function create(first: PaymentEvent, rules: PaymentRules = RULES) {
  const [snapshot, actions] = initialTransition(paymentMachine, { rules, first });
  return { snapshot, actions, emitted: emittedBy(actions) };
}

function send(snapshot: PaymentSnapshot, event: PaymentEvent) {
  const [next, actions] = transition(paymentMachine, snapshot, event);
  return { snapshot: next, actions, emitted: emittedBy(actions) };
}

const processed = (amountCents: number, replyTo = SAGA) => ({
  type: 'payment.processed',
  orderId: ORDER_ID,
  amountCents,
  replyTo,
});
const refunded = (amountCents: number, replyTo = SAGA) => ({
  type: 'payment.refunded',
  orderId: ORDER_ID,
  amountCents,
  replyTo,
});
const failed = (amountCents: number, code: string, reason: string, replyTo = SAGA) => ({
  type: 'payment.failed',
  orderId: ORDER_ID,
  amountCents,
  reason,
  code,
  replyTo,
});

const paymentIn = (state: PaymentState): PaymentSnapshot => {
  switch (state) {
    case 'CHARGED':
      return create(charge(4999)).snapshot;
    case 'DECLINED':
      return create(charge(12_000_00)).snapshot;
    case 'REFUNDED':
      return send(create(charge(4999)).snapshot, refund()).snapshot;
    case 'VOIDED':
      return create(refund(CREATED_AT)).snapshot;
  }
};

describe('samples', () => {
  it('are valid commands and rules', () => {
    expect(paymentRulesSchema.parse(RULES)).toEqual(RULES);
    for (const event of [charge(4999), refund(), charge(0, { customerId: BLOCKED_CUSTOMER_ID })]) {
      expect(paymentEventSchema.parse(event)).toEqual(event);
    }
  });
});

describe('created by a charge the rules accept', () => {
  it('is CHARGED, records the charge and answers payment.processed to the charge’s replyTo', () => {
    const { snapshot, emitted } = create(charge(4999));

    expect(snapshot.value).toBe('CHARGED');
    expect(snapshot.status).toBe('active');
    expect(snapshot.context).toStrictEqual({
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      amountCents: 4999,
      refundedCents: 0,
      rules: RULES,
      replyTo: SAGA,
      chargedAt: CREATED_AT,
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    });
    expect(emitted).toStrictEqual([processed(4999)]);
  });

  it('charges an amount equal to the limit (the limit is inclusive)', () => {
    const { snapshot, emitted } = create(charge(10_000_00));
    expect(snapshot.value).toBe('CHARGED');
    expect(emitted).toStrictEqual([processed(10_000_00)]);
  });
});

describe('created by a charge the rules decline', () => {
  it.each([
    [12_000_00, CUSTOMER_ID, 'AMOUNT_LIMIT', 'amount 12000.00 exceeds the limit 10000.00'],
    [10_000_01, CUSTOMER_ID, 'AMOUNT_LIMIT', 'amount 10000.01 exceeds the limit 10000.00'],
    [4999, BLOCKED_CUSTOMER_ID, 'CUSTOMER_BLOCKED', `customer ${BLOCKED_CUSTOMER_ID} is blocked`],
    [12_000_00, BLOCKED_CUSTOMER_ID, 'AMOUNT_LIMIT', 'amount 12000.00 exceeds the limit 10000.00'],
  ] as const)('amount %i by %s is DECLINED with %s', (amountCents, customerId, code, reason) => {
    const { snapshot, emitted } = create(charge(amountCents, { customerId }));

    expect(snapshot.value).toBe('DECLINED');
    expect(snapshot.context).toStrictEqual({
      orderId: ORDER_ID,
      customerId,
      amountCents,
      refundedCents: 0,
      rules: RULES,
      failureReason: reason,
      replyTo: SAGA,
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    });
    expect(emitted).toStrictEqual([failed(amountCents, code, reason)]);
  });
});

describe('created by a refund that overtook its charge', () => {
  it('is VOIDED with nothing charged, and answers payment.refunded with amount 0', () => {
    const { snapshot, emitted } = create(refund(CREATED_AT, CANCELLATION));

    expect(snapshot.value).toBe('VOIDED');
    expect(snapshot.context).toStrictEqual({
      orderId: ORDER_ID,
      amountCents: 0,
      refundedCents: 0,
      rules: RULES,
      failureReason: 'VOIDED',
      replyTo: CANCELLATION,
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    });
    expect(emitted).toStrictEqual([refunded(0, CANCELLATION)]);
  });

  it('then refuses the late charge with VOIDED, so nothing is ever taken or refunded', () => {
    const voided = paymentIn('VOIDED');
    const { snapshot, emitted } = send(voided, charge(4999, { at: LATER }));

    expect(snapshot.value).toBe('VOIDED');
    expect(snapshot.context).toStrictEqual(voided.context);
    expect(emitted).toStrictEqual([failed(4999, 'VOIDED', 'voided: refunded before it was charged')]);
  });

  it('answers a repeated refund with amount 0 again and changes nothing', () => {
    const voided = paymentIn('VOIDED');
    const { snapshot, emitted } = send(voided, refund(LATER, CANCELLATION));
    expect(snapshot.value).toBe('VOIDED');
    expect(snapshot.context).toStrictEqual(voided.context);
    expect(emitted).toStrictEqual([refunded(0, CANCELLATION)]);
  });
});

describe('CHARGED', () => {
  it('answers a repeated charge with the first payment.processed, to the repeat’s replyTo, and changes nothing', () => {
    const charged = paymentIn('CHARGED');
    const { snapshot, emitted } = send(charged, charge(4999, { at: LATER, replyTo: CANCELLATION }));
    expect(snapshot.value).toBe('CHARGED');
    expect(snapshot.context).toStrictEqual(charged.context);
    expect(emitted).toStrictEqual([processed(4999, CANCELLATION)]);
  });

  it('on refund refunds the charged amount, records it and moves to REFUNDED', () => {
    const { snapshot, emitted } = send(paymentIn('CHARGED'), refund(LATER, CANCELLATION));

    expect(snapshot.value).toBe('REFUNDED');
    expect(snapshot.context).toMatchObject({
      amountCents: 4999,
      refundedCents: 4999,
      refundedAt: LATER,
      updatedAt: LATER,
      chargedAt: CREATED_AT,
      replyTo: SAGA,
    });
    expect(snapshot.context.failureReason).toBeUndefined();
    expect(emitted).toStrictEqual([refunded(4999, CANCELLATION)]);
  });
});

describe('REFUNDED', () => {
  it('refunds exactly once: a second refund answers the same amount and refundedCents stays the amount', () => {
    const once = paymentIn('REFUNDED');
    const twice = send(once, refund(LATEST));
    const thrice = send(twice.snapshot, refund(LATEST, CANCELLATION));

    expect(twice.snapshot.value).toBe('REFUNDED');
    expect(twice.snapshot.context).toStrictEqual(once.context);
    expect(thrice.snapshot.context.refundedCents).toBe(4999);
    expect(thrice.snapshot.context.refundedAt).toBe(LATER);
    expect(twice.emitted).toStrictEqual([refunded(4999)]);
    expect(thrice.emitted).toStrictEqual([refunded(4999, CANCELLATION)]);
  });

  it('answers a charge with payment.failed VOIDED "already refunded" and never charges again', () => {
    const once = paymentIn('REFUNDED');
    const { snapshot, emitted } = send(once, charge(4999, { at: LATEST }));
    expect(snapshot.value).toBe('REFUNDED');
    expect(snapshot.context).toStrictEqual(once.context);
    expect(emitted).toStrictEqual([failed(4999, 'VOIDED', 'already refunded')]);
  });
});

describe('DECLINED', () => {
  it('answers a repeated charge with the first payment.failed and changes nothing', () => {
    const declined = paymentIn('DECLINED');
    const { snapshot, emitted } = send(declined, charge(12_000_00, { at: LATER, replyTo: CANCELLATION }));
    expect(snapshot.value).toBe('DECLINED');
    expect(snapshot.context).toStrictEqual(declined.context);
    expect(emitted).toStrictEqual([
      failed(12_000_00, 'AMOUNT_LIMIT', 'amount 12000.00 exceeds the limit 10000.00', CANCELLATION),
    ]);
  });

  it('answers a refund with amount 0 (nothing was taken) and stays DECLINED', () => {
    const declined = paymentIn('DECLINED');
    const { snapshot, emitted } = send(declined, refund());
    expect(snapshot.value).toBe('DECLINED');
    expect(snapshot.context).toStrictEqual(declined.context);
    expect(emitted).toStrictEqual([refunded(0)]);
  });
});

describe('accepted events, as the runtime names them in a rejection', () => {
  it.each(STATES)('%s accepts both commands, forever (not final)', (state) => {
    const snapshot = paymentIn(state);
    expect(snapshot.value).toBe(state);
    expect(snapshot.status).toBe('active');
    expect([...getNextTransitions(snapshot).map((next) => next.eventType)].sort()).toEqual(BOTH_COMMANDS);
    expect(snapshot.can(charge(4999, { at: LATEST }))).toBe(true);
    expect(snapshot.can(refund(LATEST))).toBe(true);
  });

  it('deciding is transient: no payment ever rests there', () => {
    for (const first of [charge(1), charge(12_000_00), refund(CREATED_AT)]) {
      expect(create(first).snapshot.value).not.toBe('deciding');
    }
  });
});

describe('state graph', () => {
  const events = [charge(4999, { at: LATER }), refund(LATER)];
  const reachable = (first: PaymentEvent) =>
    getShortestPaths(paymentMachine, {
      input: { rules: RULES, first },
      events,
      serializeState: (snapshot) => JSON.stringify(snapshot.value),
    })
      .map((path) => path.state.value)
      .sort();

  it.each([
    ['an accepted charge', charge(4999), ['CHARGED', 'REFUNDED']],
    ['a declined charge', charge(12_000_00), ['DECLINED']],
    ['a refund', refund(CREATED_AT), ['VOIDED']],
  ] as const)('from %s only %j can be reached', (_, first, states) => {
    expect(reachable(first)).toEqual(states);
  });
});

describe('persisted snapshot', () => {
  const roundTrip = (snapshot: PaymentSnapshot) => {
    const parsed: unknown = JSON.parse(JSON.stringify(paymentMachine.getPersistedSnapshot(snapshot)));
    return paymentMachine.resolveState(parsed as typeof snapshot);
  };

  it.each(STATES)('in %s survives a JSON round-trip and answers as before', (state) => {
    const snapshot = paymentIn(state);
    const restored = roundTrip(snapshot);

    expect(restored.value).toBe(state);
    expect(restored.status).toBe('active');
    expect(restored.context).toStrictEqual(snapshot.context);
    for (const event of [charge(4999, { at: LATEST }), refund(LATEST)]) {
      expect(send(restored, event).emitted).toStrictEqual(send(snapshot, event).emitted);
    }
  });

  it('restored CHARGED refunds once, and the restored REFUNDED refuses a charge', () => {
    const refundedOnce = send(roundTrip(paymentIn('CHARGED')), refund(LATER));
    expect(refundedOnce.snapshot.value).toBe('REFUNDED');
    expect(refundedOnce.emitted).toStrictEqual([refunded(4999)]);

    const restored = roundTrip(refundedOnce.snapshot);
    expect(send(restored, refund(LATEST)).snapshot.context.refundedCents).toBe(4999);
    expect(send(restored, charge(4999, { at: LATEST })).emitted).toStrictEqual([
      failed(4999, 'VOIDED', 'already refunded'),
    ]);
  });
});

describe('gateway rules', () => {
  it('formats cents exactly', () => {
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(1_000_000)).toBe('10000.00');
    expect(formatCents(100_000_000_000)).toBe('1000000000.00');
  });

  it('declines above the limit, then blocked customers; accepts the rest', () => {
    expect(declineOf(RULES, { customerId: CUSTOMER_ID, amountCents: 10_000_00 })).toBeUndefined();
    expect(declineOf(RULES, { customerId: CUSTOMER_ID, amountCents: 10_000_01 })?.code).toBe('AMOUNT_LIMIT');
    expect(declineOf(RULES, { customerId: BLOCKED_CUSTOMER_ID, amountCents: 0 })?.code).toBe(
      'CUSTOMER_BLOCKED',
    );
    expect(declineOf({ declineAboveCents: 0, declinedCustomerIds: [] }, { amountCents: 0 })).toBeUndefined();
  });
});
