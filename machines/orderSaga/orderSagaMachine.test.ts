import { describe, expect, it } from 'vitest';
import { getNextTransitions, initialTransition, type SnapshotFrom, transition } from 'xstate';
import {
  type OrderSagaEmitted,
  type OrderSagaEvent,
  type OrderSagaInput,
  orderSagaEventSchema,
  orderSagaInputSchema,
} from './orderSagaEvents.ts';
import { orderSagaMachine } from './orderSagaMachine.ts';

type SagaSnapshot = SnapshotFrom<typeof orderSagaMachine>;
type SagaState = 'reserving' | 'charging' | 'confirmed' | 'compensating' | 'cancelled';
type FactType = OrderSagaEvent['type'];
type Fact<T extends FactType> = Extract<OrderSagaEvent, { type: T }>;

const ORDER_ID = '0b4f6c1e-8a53-4d0f-9a57-0c1f2d3e4f50';
const CUSTOMER_ID = '7d2c9e41-3b6a-4f8e-b1c2-d3e4f5a6b7c8';
const STEP_TIMEOUT_MS = 30_000;
const TOTAL = 2 * 1250 + 3 * 499;
const REPLY_TO = { type: 'orderSaga', id: ORDER_ID };

/** Every message gets its own minute, so a step recorded with the wrong time shows up. */
const at = (minute: number) => `2025-03-01T09:${String(minute).padStart(2, '0')}:00.000Z`;
const STARTED = at(0);

function sagaInput(overrides: Partial<OrderSagaInput> = {}): OrderSagaInput {
  return {
    orderId: ORDER_ID,
    customerId: CUSTOMER_ID,
    lines: [
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 3 },
    ],
    totalCents: TOTAL,
    stepTimeoutMs: STEP_TIMEOUT_MS,
    at: STARTED,
    ...overrides,
  };
}

const QUANTITY: Record<string, number> = { 'SKU-1': 2, 'SKU-2': 3 };

const reserved = (sku: string, minute: number): Fact<'inventory.reserved'> => ({
  type: 'inventory.reserved',
  sku,
  orderId: ORDER_ID,
  quantity: QUANTITY[sku] ?? 1,
  replyTo: REPLY_TO,
  at: at(minute),
});
const reservationFailed = (
  sku: string,
  minute: number,
  details: Partial<Fact<'inventory.reservation.failed'>> = {},
): Fact<'inventory.reservation.failed'> => ({
  type: 'inventory.reservation.failed',
  sku,
  orderId: ORDER_ID,
  requested: 3,
  available: 1,
  shortfall: 2,
  reason: 'INSUFFICIENT_STOCK',
  replyTo: REPLY_TO,
  at: at(minute),
  ...details,
});
const released = (
  sku: string,
  minute: number,
  quantity = QUANTITY[sku] ?? 1,
): Fact<'inventory.released'> => ({
  type: 'inventory.released',
  sku,
  orderId: ORDER_ID,
  quantity,
  replyTo: REPLY_TO,
  at: at(minute),
});
const processed = (minute: number): Fact<'payment.processed'> => ({
  type: 'payment.processed',
  orderId: ORDER_ID,
  amountCents: TOTAL,
  replyTo: REPLY_TO,
  at: at(minute),
});
const paymentFailed = (minute: number): Fact<'payment.failed'> => ({
  type: 'payment.failed',
  orderId: ORDER_ID,
  amountCents: TOTAL,
  reason: 'customer is blocked',
  code: 'CUSTOMER_BLOCKED',
  replyTo: REPLY_TO,
  at: at(minute),
});
const refunded = (minute: number, amountCents = TOTAL): Fact<'payment.refunded'> => ({
  type: 'payment.refunded',
  orderId: ORDER_ID,
  amountCents,
  replyTo: REPLY_TO,
  at: at(minute),
});
const customerCancelled = (
  minute: number,
  overrides: Partial<Fact<'order.cancelled'>> = {},
): Fact<'order.cancelled'> => ({
  type: 'order.cancelled',
  orderId: ORDER_ID,
  customerId: CUSTOMER_ID,
  reason: 'changed my mind',
  previousStatus: 'PENDING',
  items: [
    { sku: 'SKU-1', quantity: 2 },
    { sku: 'SKU-2', quantity: 3 },
  ],
  at: at(minute),
  ...overrides,
});

/** One valid fact of every type the saga declares. */
const SAMPLE: { [T in FactType]: Fact<T> } = {
  'inventory.reserved': reserved('SKU-1', 50),
  'inventory.reservation.failed': reservationFailed('SKU-2', 51),
  'inventory.released': released('SKU-1', 52),
  'payment.processed': processed(53),
  'payment.failed': paymentFailed(54),
  'payment.refunded': refunded(55),
  'order.cancelled': customerCancelled(56),
};
const ALL_FACTS = orderSagaEventSchema.options.map((option) => option.shape.type.value);
const STATES: readonly SagaState[] = ['reserving', 'charging', 'confirmed', 'compensating', 'cancelled'];

/** The delayed event XState raises for the named delay in a state, and that the runtime delivers when due. */
const AFTER = (state: SagaState) => `xstate.after.stepTimeout.orderSaga.${state}`;

interface ActionLike {
  type: string;
  params?: unknown;
}
const emittedBy = (actions: readonly ActionLike[]): OrderSagaEmitted[] =>
  actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: OrderSagaEmitted }).event);
const timersSet = (actions: readonly ActionLike[]) =>
  actions
    .filter((action) => action.type === 'xstate.raise')
    .map((action) => action.params as { event: { type: string }; id: string; delay?: number });
const timersCancelled = (actions: readonly ActionLike[]) =>
  actions
    .filter((action) => action.type === 'xstate.cancel')
    .map((action) => (action.params as { sendId: string }).sendId);

function create(input: OrderSagaInput = sagaInput()) {
  const [snapshot, actions] = initialTransition(orderSagaMachine, input);
  return { snapshot, actions, emitted: emittedBy(actions) };
}

function send(snapshot: SagaSnapshot, event: OrderSagaEvent) {
  const [next, actions] = transition(orderSagaMachine, snapshot, event);
  return { snapshot: next, actions, emitted: emittedBy(actions) };
}

/** A due timer as the runtime delivers it: the after-event type, with the time it fired when given. */
const timeout = (state: SagaState, minute?: number) =>
  ({ type: AFTER(state), ...(minute === undefined ? {} : { at: at(minute) }) }) as unknown as OrderSagaEvent;

const sendAll = (snapshot: SagaSnapshot, events: readonly OrderSagaEvent[]) =>
  events.reduce((current, event) => send(current, event).snapshot, snapshot);

/** The facts that bring a fresh saga to each state (compensating: the payment was declined). */
const ROUTE: Record<SagaState, readonly OrderSagaEvent[]> = {
  reserving: [],
  charging: [reserved('SKU-1', 1), reserved('SKU-2', 2)],
  confirmed: [reserved('SKU-1', 1), reserved('SKU-2', 2), processed(3)],
  compensating: [reserved('SKU-1', 1), reserved('SKU-2', 2), paymentFailed(3)],
  cancelled: [
    reserved('SKU-1', 1),
    reserved('SKU-2', 2),
    paymentFailed(3),
    released('SKU-1', 4),
    released('SKU-2', 5),
  ],
};
const sagaIn = (state: SagaState) => sendAll(create().snapshot, ROUTE[state]);

const releaseOf = (sku: string, reason: string) => ({
  type: 'inventory.release',
  orderId: ORDER_ID,
  sku,
  reason,
  replyTo: REPLY_TO,
});
const refundOf = (reason: string) => ({
  type: 'payment.refund',
  orderId: ORDER_ID,
  reason,
  replyTo: REPLY_TO,
});
const cancelOf = (reason: string) => ({
  type: 'order.cancel',
  orderId: ORDER_ID,
  reason,
  initiator: 'orderSaga',
});
const cancelledNotification = (reason: string) => ({
  type: 'order.notification',
  orderId: ORDER_ID,
  customerId: CUSTOMER_ID,
  outcome: 'CANCELLED',
  reason,
});
const lineStatuses = (snapshot: SagaSnapshot) =>
  Object.fromEntries(snapshot.context.lines.map((line) => [line.sku, line.status]));
const sorted = <T>(values: Iterable<T>) => [...values].sort();

describe('sample facts', () => {
  it('cover every fact type in the schema, and each one is valid', () => {
    expect(sorted(Object.keys(SAMPLE))).toEqual(sorted(ALL_FACTS));
    for (const event of Object.values(SAMPLE)) expect(orderSagaEventSchema.parse(event)).toEqual(event);
    expect(orderSagaInputSchema.parse(sagaInput())).toEqual(sagaInput());
  });
});

describe('starting: reserving', () => {
  it('asks the inventory item of each SKU to reserve, replying to this saga, and records each request', () => {
    const { snapshot, emitted } = create();

    expect(snapshot.value).toBe('reserving');
    expect(snapshot.status).toBe('active');
    expect(emitted).toStrictEqual([
      { type: 'inventory.reserve', orderId: ORDER_ID, sku: 'SKU-1', quantity: 2, replyTo: REPLY_TO },
      { type: 'inventory.reserve', orderId: ORDER_ID, sku: 'SKU-2', quantity: 3, replyTo: REPLY_TO },
    ]);
    expect(snapshot.context).toStrictEqual({
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      lines: [
        { sku: 'SKU-1', quantity: 2, status: 'reserving' },
        { sku: 'SKU-2', quantity: 3, status: 'reserving' },
      ],
      totalCents: TOTAL,
      payment: 'none',
      stepTimeoutMs: STEP_TIMEOUT_MS,
      cancelledByCustomer: false,
      steps: [
        { step: 'reserve SKU-1', status: 'started', at: STARTED, detail: 'quantity 2' },
        { step: 'reserve SKU-2', status: 'started', at: STARTED, detail: 'quantity 3' },
      ],
      startedAt: STARTED,
      updatedAt: STARTED,
    });
  });
});

describe('happy path with two SKUs: reserve x2 -> charge -> confirm', () => {
  it('charges only when the last line is held, then confirms and notifies', () => {
    const first = send(create().snapshot, reserved('SKU-1', 1));
    expect(first.snapshot.value).toBe('reserving');
    expect(first.actions).toEqual([]);
    expect(lineStatuses(first.snapshot)).toEqual({ 'SKU-1': 'reserved', 'SKU-2': 'reserving' });

    const second = send(first.snapshot, reserved('SKU-2', 2));
    expect(second.snapshot.value).toBe('charging');
    expect(second.snapshot.context.payment).toBe('charging');
    expect(second.emitted).toStrictEqual([
      {
        type: 'payment.charge',
        orderId: ORDER_ID,
        customerId: CUSTOMER_ID,
        amountCents: TOTAL,
        replyTo: REPLY_TO,
      },
    ]);

    const done = send(second.snapshot, processed(3));
    expect(done.snapshot.value).toBe('confirmed');
    expect(done.snapshot.status).toBe('active');
    expect(done.snapshot.context.payment).toBe('charged');
    expect(done.emitted).toStrictEqual([
      { type: 'order.confirm', orderId: ORDER_ID },
      { type: 'order.notification', orderId: ORDER_ID, customerId: CUSTOMER_ID, outcome: 'CONFIRMED' },
    ]);
    expect(done.snapshot.context.failureReason).toBeUndefined();
    expect(done.snapshot.context.steps).toStrictEqual([
      { step: 'reserve SKU-1', status: 'started', at: STARTED, detail: 'quantity 2' },
      { step: 'reserve SKU-2', status: 'started', at: STARTED, detail: 'quantity 3' },
      { step: 'reserve SKU-1', status: 'done', at: at(1), detail: 'quantity 2' },
      { step: 'reserve SKU-2', status: 'done', at: at(2), detail: 'quantity 3' },
      { step: 'charge', status: 'started', at: at(2), detail: `${TOTAL} cents` },
      { step: 'charge', status: 'done', at: at(3), detail: `${TOTAL} cents` },
      { step: 'confirm', status: 'done', at: at(3), detail: 'order.confirm sent' },
      { step: 'notify', status: 'done', at: at(3), detail: 'CONFIRMED' },
    ]);
    expect(done.snapshot.context.updatedAt).toBe(at(3));
  });

  it('the answers may arrive in any order', () => {
    const snapshot = sendAll(create().snapshot, [reserved('SKU-2', 1), reserved('SKU-1', 2)]);
    expect(snapshot.value).toBe('charging');
  });
});

describe('a reservation fails', () => {
  const SHORTFALL = 'insufficient stock for SKU-2 (requested 3, available 1, shortfall 2)';

  it('of the second SKU: releases only the held line, cancels the order with the shortfall, never charges', () => {
    const held = send(create().snapshot, reserved('SKU-1', 1)).snapshot;
    const { snapshot, emitted } = send(held, reservationFailed('SKU-2', 2));

    expect(snapshot.value).toBe('compensating');
    expect(snapshot.context.failureReason).toBe(SHORTFALL);
    expect(lineStatuses(snapshot)).toEqual({ 'SKU-1': 'releasing', 'SKU-2': 'failed' });
    expect(snapshot.context.payment).toBe('none');
    // The failed line holds nothing, so it gets no release (docs/sagas.md: the item keeps its first answer).
    expect(emitted).toStrictEqual([releaseOf('SKU-1', SHORTFALL), cancelOf(SHORTFALL)]);
    expect(snapshot.context.steps.slice(3)).toStrictEqual([
      { step: 'reserve SKU-2', status: 'failed', at: at(2), detail: SHORTFALL },
      { step: 'compensate', status: 'started', at: at(2), detail: SHORTFALL },
      { step: 'release SKU-1', status: 'started', at: at(2), detail: 'quantity 2' },
      { step: 'cancel order', status: 'done', at: at(2), detail: 'order.cancel sent' },
    ]);

    const end = send(snapshot, released('SKU-1', 3));
    expect(end.snapshot.value).toBe('cancelled');
    expect(end.emitted).toStrictEqual([cancelledNotification(SHORTFALL)]);
    expect(end.emitted.map((message) => message.type)).not.toContain('payment.charge');
  });

  it('while the other SKU is still being reserved: that line is released too, in case it gets held', () => {
    const { snapshot, emitted } = send(create().snapshot, reservationFailed('SKU-2', 1));
    expect(lineStatuses(snapshot)).toEqual({ 'SKU-1': 'releasing', 'SKU-2': 'failed' });
    expect(emitted).toStrictEqual([releaseOf('SKU-1', SHORTFALL), cancelOf(SHORTFALL)]);
  });

  it.each([
    [{ reason: 'UNKNOWN_SKU', available: 0, shortfall: 3 }, 'unknown SKU SKU-2'],
    [{ reason: 'RELEASED', available: 0, shortfall: 0 }, 'the reservation of SKU-2 was already released'],
    [{ reason: 'DELETED', available: 0, shortfall: 3 }, 'SKU-2 is no longer sold'],
  ] as const)('with %o gives the readable reason %s', (details, reason) => {
    const { snapshot, emitted } = send(create().snapshot, reservationFailed('SKU-2', 1, details));
    expect(snapshot.context.failureReason).toBe(reason);
    expect(emitted.at(-1)).toStrictEqual(cancelOf(reason));
  });

  it('of a one-line order: nothing to undo, so it cancels the order and ends in the same turn', () => {
    const { snapshot: start } = create(
      sagaInput({ lines: [{ sku: 'SKU-2', quantity: 3 }], totalCents: 1497 }),
    );
    const { snapshot, actions, emitted } = send(start, reservationFailed('SKU-2', 1));

    expect(snapshot.value).toBe('cancelled');
    expect(emitted).toStrictEqual([cancelOf(SHORTFALL), cancelledNotification(SHORTFALL)]);
    // The compensation timer is set and cancelled in the same turn, so the runtime stores none.
    expect(timersSet(actions).map((raise) => raise.id)).toEqual([AFTER('compensating')]);
    expect(timersCancelled(actions)).toEqual([AFTER('reserving'), AFTER('compensating')]);
  });
});

describe('the payment is declined', () => {
  it('releases both lines, refunds nothing, and cancels the order with the decline reason', () => {
    const { snapshot, emitted } = send(sagaIn('charging'), paymentFailed(3));
    const reason = 'payment declined: customer is blocked';

    expect(snapshot.value).toBe('compensating');
    expect(snapshot.context.payment).toBe('declined');
    expect(snapshot.context.failureReason).toBe(reason);
    expect(emitted).toStrictEqual([releaseOf('SKU-1', reason), releaseOf('SKU-2', reason), cancelOf(reason)]);
    expect(snapshot.context.steps).toContainEqual({
      step: 'charge',
      status: 'failed',
      at: at(3),
      detail: reason,
    });
  });
});

describe('step timeouts', () => {
  it('in reserving: releases every line not known to have failed, and cancels for the inventory timeout', () => {
    const held = send(create().snapshot, reserved('SKU-1', 1)).snapshot;
    const { snapshot, emitted } = send(held, timeout('reserving', 31));
    const reason = 'timed out waiting for inventory';

    expect(snapshot.value).toBe('compensating');
    expect(snapshot.context.failureReason).toBe(reason);
    expect(emitted).toStrictEqual([releaseOf('SKU-1', reason), releaseOf('SKU-2', reason), cancelOf(reason)]);
    expect(snapshot.context.steps).toContainEqual({
      step: 'timeout',
      status: 'failed',
      at: at(31),
      detail: 'no answer for SKU-2',
    });
  });

  it('in charging: releases both lines, refunds the charge that may still go through, and cancels', () => {
    const { snapshot, emitted } = send(sagaIn('charging'), timeout('charging', 33));
    const reason = 'timed out waiting for payment';

    expect(snapshot.value).toBe('compensating');
    expect(snapshot.context.payment).toBe('refunding');
    expect(emitted).toStrictEqual([
      releaseOf('SKU-1', reason),
      releaseOf('SKU-2', reason),
      refundOf(reason),
      cancelOf(reason),
    ]);
    expect(snapshot.context.steps.slice(-6)).toStrictEqual([
      { step: 'timeout', status: 'failed', at: at(33), detail: 'no answer to the charge' },
      { step: 'compensate', status: 'started', at: at(33), detail: reason },
      { step: 'release SKU-1', status: 'started', at: at(33), detail: 'quantity 2' },
      { step: 'release SKU-2', status: 'started', at: at(33), detail: 'quantity 3' },
      { step: 'refund', status: 'started', at: at(33), detail: `${TOTAL} cents` },
      { step: 'cancel order', status: 'done', at: at(33), detail: 'order.cancel sent' },
    ]);

    // The charge went through after all: the refund already sent covers it, so none is sent again.
    const late = send(snapshot, processed(34));
    expect(late.snapshot.value).toBe('compensating');
    expect(late.emitted).toEqual([]);
    expect(late.snapshot.context.steps.at(-1)).toMatchObject({
      step: 'charge',
      status: 'ignored',
      at: at(34),
    });
  });

  it('a timer delivered without a time is recorded at the last known time', () => {
    const { snapshot } = send(sagaIn('charging'), timeout('charging'));
    expect(snapshot.context.steps.at(-1)?.at).toBe(at(2));
  });

  it('in compensating: ends cancelled anyway and records what is still unconfirmed', () => {
    const waiting = sendAll(sagaIn('charging'), [timeout('charging', 33), released('SKU-1', 34)]);
    const { snapshot, emitted } = send(waiting, timeout('compensating', 64));

    expect(snapshot.value).toBe('cancelled');
    expect(emitted).toStrictEqual([cancelledNotification('timed out waiting for payment')]);
    expect(snapshot.context.steps.slice(-2)).toStrictEqual([
      { step: 'timeout', status: 'failed', at: at(64), detail: 'still unconfirmed: release SKU-2, refund' },
      { step: 'notify', status: 'done', at: at(64), detail: 'CANCELLED: timed out waiting for payment' },
    ]);

    // A confirmation arriving afterwards is still recorded as done, and sends nothing.
    const late = send(snapshot, refunded(65));
    expect(late.snapshot.context.payment).toBe('refunded');
    expect(late.emitted).toEqual([]);
    expect(late.snapshot.context.steps.at(-1)).toStrictEqual({
      step: 'refund',
      status: 'done',
      at: at(65),
      detail: `${TOTAL} cents`,
    });
  });
});

describe('the customer cancels while the saga runs', () => {
  const reason = 'cancelled by the customer: changed my mind';

  it('during reserving: releases both lines and does not cancel the order again', () => {
    const { snapshot, emitted } = send(create().snapshot, customerCancelled(1));

    expect(snapshot.value).toBe('compensating');
    expect(snapshot.context.cancelledByCustomer).toBe(true);
    expect(snapshot.context.failureReason).toBe(reason);
    expect(emitted).toStrictEqual([releaseOf('SKU-1', reason), releaseOf('SKU-2', reason)]);

    const end = sendAll(snapshot, [released('SKU-2', 2), released('SKU-1', 3, 0)]);
    expect(end.value).toBe('cancelled');
    expect(end.context.steps.at(-1)).toStrictEqual({
      step: 'notify',
      status: 'done',
      at: at(3),
      detail: `CANCELLED: ${reason}`,
    });
  });

  it('during charging: also refunds the charge in flight', () => {
    const { emitted } = send(sagaIn('charging'), customerCancelled(3));
    expect(emitted).toStrictEqual([releaseOf('SKU-1', reason), releaseOf('SKU-2', reason), refundOf(reason)]);
  });

  it('after confirming (the confirm lost the race): releases, refunds, does not cancel again', () => {
    const { snapshot, emitted } = send(sagaIn('confirmed'), customerCancelled(4));
    expect(snapshot.value).toBe('compensating');
    expect(emitted).toStrictEqual([releaseOf('SKU-1', reason), releaseOf('SKU-2', reason), refundOf(reason)]);
  });

  it.each([
    ['a saga', { initiator: 'orderSaga' }],
    ['a confirmed order', { previousStatus: 'CONFIRMED' }],
  ] as const)('a cancellation by %s is not the customer racing the saga: ignored', (_what, overrides) => {
    const confirmed = sagaIn('confirmed');
    const { snapshot, actions } = send(confirmed, customerCancelled(4, overrides));
    expect(snapshot.value).toBe('confirmed');
    expect(actions).toEqual([]);
    expect(snapshot.context.steps.at(-1)).toMatchObject({ step: 'customer cancel', status: 'ignored' });
  });
});

describe('late facts after the saga started compensating', () => {
  it('a late inventory.reserved of a line whose release was already sent emits nothing more', () => {
    const compensating = send(create().snapshot, timeout('reserving', 31)).snapshot;
    const { snapshot, actions } = send(compensating, reserved('SKU-2', 32));

    expect(snapshot.value).toBe('compensating');
    expect(actions).toEqual([]);
    expect(lineStatuses(snapshot)).toEqual({ 'SKU-1': 'releasing', 'SKU-2': 'releasing' });
    expect(snapshot.context.steps.at(-1)).toStrictEqual({
      step: 'reserve SKU-2',
      status: 'ignored',
      at: at(32),
      detail: 'inventory.reserved: its release was already sent and frees it whichever arrives first',
    });
  });

  it('a late inventory.reserved that no release covers gets a release, and the saga waits for it', () => {
    const reason = 'insufficient stock for SKU-2 (requested 3, available 1, shortfall 2)';
    const compensating = send(create().snapshot, reservationFailed('SKU-2', 1)).snapshot;
    const { snapshot, emitted } = send(compensating, reserved('SKU-2', 2));

    expect(emitted).toStrictEqual([releaseOf('SKU-2', reason)]);
    expect(lineStatuses(snapshot)).toEqual({ 'SKU-1': 'releasing', 'SKU-2': 'releasing' });
    expect(send(snapshot, released('SKU-1', 3)).snapshot.value).toBe('compensating');
    expect(sendAll(snapshot, [released('SKU-1', 3), released('SKU-2', 4)]).value).toBe('cancelled');

    // Repeated, it is not released twice.
    expect(send(snapshot, reserved('SKU-2', 5)).emitted).toEqual([]);
  });

  it('once cancelled, a late inventory.reserved that no release covers is released', () => {
    const { snapshot: start } = create(sagaInput({ lines: [{ sku: 'SKU-2', quantity: 3 }] }));
    const cancelled = send(start, reservationFailed('SKU-2', 1)).snapshot;
    const { snapshot, emitted } = send(cancelled, reserved('SKU-2', 2));

    expect(snapshot.value).toBe('cancelled');
    expect(emitted).toMatchObject([{ type: 'inventory.release', sku: 'SKU-2' }]);
    expect(send(snapshot, reserved('SKU-2', 3)).emitted).toEqual([]);
  });

  it('once cancelled after a decline, a late payment.processed is refunded exactly once', () => {
    const reason = 'payment declined: customer is blocked';
    const cancelled = sagaIn('cancelled');
    const { snapshot, emitted } = send(cancelled, processed(6));

    expect(snapshot.value).toBe('cancelled');
    expect(emitted).toStrictEqual([refundOf(reason)]);
    expect(snapshot.context.payment).toBe('refunding');
    expect(snapshot.context.steps.at(-1)).toStrictEqual({
      step: 'refund',
      status: 'started',
      at: at(6),
      detail: 'late charge refunded',
    });
    expect(send(snapshot, processed(7)).emitted).toEqual([]);
    expect(send(snapshot, refunded(8)).snapshot.context.payment).toBe('refunded');
  });

  it.each([
    ['compensating', 'the saga is already compensating'],
    ['cancelled', 'the order is already cancelled'],
  ] as const)('in %s, failures and cancellations are acknowledged and recorded as ignored', (state, why) => {
    for (const event of [reservationFailed('SKU-1', 9), paymentFailed(9), customerCancelled(9)]) {
      const before = sagaIn(state);
      const { snapshot, actions } = send(before, event);
      expect(snapshot.value).toBe(state);
      expect(actions).toEqual([]);
      expect(snapshot.context.steps.at(-1)).toMatchObject({
        status: 'ignored',
        detail: `${event.type}: ${why}`,
      });
    }
  });
});

describe('compensating completes on all acknowledgements', () => {
  it.each([
    ['releases first', [released('SKU-1', 34), released('SKU-2', 35), refunded(36)]],
    ['refund first', [refunded(34), released('SKU-2', 35), released('SKU-1', 36)]],
  ] as const)('%s: cancelled only after the last one, with one notification', (_order, acks) => {
    let snapshot = send(sagaIn('charging'), timeout('charging', 33)).snapshot;
    for (const [index, ack] of acks.entries()) {
      const next = send(snapshot, ack);
      const last = index === acks.length - 1;
      expect(next.snapshot.value).toBe(last ? 'cancelled' : 'compensating');
      expect(next.emitted).toStrictEqual(
        last ? [cancelledNotification('timed out waiting for payment')] : [],
      );
      snapshot = next.snapshot;
    }
    expect(lineStatuses(snapshot)).toEqual({ 'SKU-1': 'released', 'SKU-2': 'released' });
    expect(snapshot.context.payment).toBe('refunded');
  });
});

describe('repeated facts do not act twice', () => {
  it('a repeated reservation neither counts twice nor charges early', () => {
    const once = send(create().snapshot, reserved('SKU-1', 1)).snapshot;
    const { snapshot, actions } = send(once, reserved('SKU-1', 2));

    expect(snapshot.value).toBe('reserving');
    expect(actions).toEqual([]);
    expect(snapshot.context.steps.at(-1)).toStrictEqual({
      step: 'reserve SKU-1',
      status: 'ignored',
      at: at(2),
      detail: 'already reserved',
    });
    expect(send(snapshot, reserved('SKU-2', 3)).snapshot.value).toBe('charging');
  });

  it.each(ALL_FACTS.filter((type) => type !== 'order.cancelled'))(
    'in confirmed, %s is acknowledged without any message',
    (type) => {
      const confirmed = sagaIn('confirmed');
      const { snapshot, actions } = send(confirmed, SAMPLE[type]);
      expect(snapshot.value).toBe('confirmed');
      expect(actions).toEqual([]);
      expect(snapshot.context.steps).toHaveLength(confirmed.context.steps.length + 1);
      expect(snapshot.context.steps.at(-1)?.status).toBe('ignored');
    },
  );

  it('in compensating and cancelled, repeated acknowledgements are ignored', () => {
    const compensating = send(sagaIn('compensating'), released('SKU-1', 4)).snapshot;
    const again = send(compensating, released('SKU-1', 5));
    expect(again.snapshot.value).toBe('compensating');
    expect(again.snapshot.context.steps.at(-1)).toMatchObject({ step: 'release SKU-1', status: 'ignored' });

    const cancelled = sagaIn('cancelled');
    for (const event of [released('SKU-2', 6), refunded(6)]) {
      const { snapshot, actions } = send(cancelled, event);
      expect(actions).toEqual([]);
      expect(snapshot.context.steps.at(-1)?.status).toBe('ignored');
    }
  });
});

describe('durable step timers', () => {
  const input = sagaInput({ stepTimeoutMs: 5_000 });

  it('entering reserving, charging and compensating sets a timer for stepTimeoutMs; leaving cancels it', () => {
    const start = create(input);
    expect(timersSet(start.actions)).toStrictEqual([
      { event: { type: AFTER('reserving') }, id: AFTER('reserving'), delay: 5_000 },
    ]);

    const charging = sendAll(start.snapshot, [reserved('SKU-1', 1)]);
    const toCharging = send(charging, reserved('SKU-2', 2));
    expect(timersCancelled(toCharging.actions)).toEqual([AFTER('reserving')]);
    expect(timersSet(toCharging.actions)).toStrictEqual([
      { event: { type: AFTER('charging') }, id: AFTER('charging'), delay: 5_000 },
    ]);

    const toCompensating = send(toCharging.snapshot, paymentFailed(3));
    expect(timersCancelled(toCompensating.actions)).toEqual([AFTER('charging')]);
    expect(timersSet(toCompensating.actions)).toStrictEqual([
      { event: { type: AFTER('compensating') }, id: AFTER('compensating'), delay: 5_000 },
    ]);

    const toCancelled = sendAll(toCompensating.snapshot, [released('SKU-1', 4)]);
    const last = send(toCancelled, released('SKU-2', 5));
    expect(last.snapshot.value).toBe('cancelled');
    expect(timersCancelled(last.actions)).toEqual([AFTER('compensating')]);
    expect(timersSet(last.actions)).toEqual([]);
  });

  it('confirming cancels the charging timer and sets none', () => {
    const { actions } = send(sagaIn('charging'), processed(3));
    expect(timersCancelled(actions)).toEqual([AFTER('charging')]);
    expect(timersSet(actions)).toEqual([]);
  });

  it('an answer that keeps the saga in its state leaves the timer alone', () => {
    expect(send(create().snapshot, reserved('SKU-1', 1)).actions).toEqual([]);
  });

  it.each([
    ['reserving', 'compensating'],
    ['charging', 'compensating'],
    ['compensating', 'cancelled'],
  ] as const)('the timer event of %s moves on to %s', (state, next) => {
    const snapshot = sagaIn(state);
    expect(snapshot.can(timeout(state))).toBe(true);
    expect(send(snapshot, timeout(state, 40)).snapshot.value).toBe(next);
  });

  it.each(['confirmed', 'cancelled'] as const)(
    '%s has no timer, and a stray timer event is refused',
    (state) => {
      const snapshot = sagaIn(state);
      for (const other of STATES) expect(snapshot.can(timeout(other))).toBe(false);
    },
  );
});

describe('accepted facts per state', () => {
  const ACCEPTS: Record<SagaState, readonly string[]> = {
    reserving: ['inventory.reserved', 'inventory.reservation.failed', 'order.cancelled', AFTER('reserving')],
    charging: [...ALL_FACTS, AFTER('charging')],
    confirmed: ALL_FACTS,
    compensating: [...ALL_FACTS, AFTER('compensating')],
    cancelled: ALL_FACTS,
  };
  // `always` shows up as the eventless type '': it is not something a message can carry.
  const acceptedTypes = (snapshot: SagaSnapshot) =>
    sorted(new Set(getNextTransitions(snapshot).map((next) => next.eventType))).filter((type) => type !== '');

  it.each(STATES)('getNextTransitions in %s names exactly the accepted types', (state) => {
    expect(acceptedTypes(sagaIn(state))).toEqual(sorted(ACCEPTS[state]));
  });

  it.each(STATES)('%s accepts every accepted sample fact and refuses the rest', (state) => {
    const snapshot = sagaIn(state);
    for (const type of ALL_FACTS) expect(snapshot.can(SAMPLE[type])).toBe(ACCEPTS[state].includes(type));
  });

  it('every state stays active: none is final, so late facts can always be answered', () => {
    for (const state of STATES) expect(sagaIn(state).status).toBe('active');
  });
});

describe('persisted snapshot', () => {
  const roundTrip = (snapshot: SagaSnapshot) => {
    const persisted: unknown = JSON.parse(JSON.stringify(orderSagaMachine.getPersistedSnapshot(snapshot)));
    return orderSagaMachine.resolveState(persisted as typeof snapshot);
  };

  it.each(STATES)('in %s survives a JSON round trip with value and context intact', (state) => {
    const snapshot = sagaIn(state);
    const restored = roundTrip(snapshot);
    expect(restored.value).toBe(state);
    expect(restored.context).toStrictEqual(snapshot.context);
    expect(sorted(getNextTransitions(restored).map((next) => next.eventType))).toEqual(
      sorted(getNextTransitions(snapshot).map((next) => next.eventType)),
    );
  });

  it('restored mid-reservation, it continues to charging and confirms', () => {
    const restored = roundTrip(send(create().snapshot, reserved('SKU-1', 1)).snapshot);
    const charging = send(restored, reserved('SKU-2', 2));
    expect(charging.snapshot.value).toBe('charging');
    expect(charging.emitted.map((message) => message.type)).toEqual(['payment.charge']);

    const confirmed = send(roundTrip(charging.snapshot), processed(3));
    expect(confirmed.snapshot.value).toBe('confirmed');
    expect(confirmed.emitted.map((message) => message.type)).toEqual(['order.confirm', 'order.notification']);
  });

  it('restored while compensating, the delivered timer still ends it, and late facts are still undone', () => {
    const compensating = send(sagaIn('charging'), timeout('charging', 33)).snapshot;
    const { snapshot } = send(roundTrip(compensating), timeout('compensating', 63));
    expect(snapshot.value).toBe('cancelled');

    const late = send(roundTrip(snapshot), released('SKU-1', 64));
    expect(late.snapshot.context.steps.at(-1)).toMatchObject({ step: 'release SKU-1', status: 'done' });
  });
});
