import { describe, expect, it } from 'vitest';
import { getNextTransitions, initialTransition, type SnapshotFrom, transition } from 'xstate';
import {
  type CancellationSagaEmitted,
  type CancellationSagaEvent,
  type CancellationSagaInput,
  cancellationSagaEventSchema,
  cancellationSagaInputSchema,
} from './cancellationSagaEvents.ts';
import { cancellationSagaMachine } from './cancellationSagaMachine.ts';

type SagaSnapshot = SnapshotFrom<typeof cancellationSagaMachine>;
type Fact<T extends CancellationSagaEvent['type']> = Extract<CancellationSagaEvent, { type: T }>;

const ORDER_ID = '0b4f6c1e-8a53-4d0f-9a57-0c1f2d3e4f50';
const CUSTOMER_ID = '7d2c9e41-3b6a-4f8e-b1c2-d3e4f5a6b7c8';
const REPLY_TO = { type: 'cancellationSaga', id: ORDER_ID };
const REASON = 'customer changed their mind';
const TIMER = 'xstate.after.stepTimeout.cancellationSaga.releasing';

const at = (minute: number) => `2025-03-02T10:${String(minute).padStart(2, '0')}:00.000Z`;
const STARTED = at(0);

function sagaInput(overrides: Partial<CancellationSagaInput> = {}): CancellationSagaInput {
  return {
    orderId: ORDER_ID,
    customerId: CUSTOMER_ID,
    reason: REASON,
    previousStatus: 'CONFIRMED',
    items: [
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 3 },
    ],
    stepTimeoutMs: 30_000,
    at: STARTED,
    ...overrides,
  };
}

const released = (sku: string, minute: number, quantity = 2): Fact<'inventory.released'> => ({
  type: 'inventory.released',
  sku,
  orderId: ORDER_ID,
  quantity,
  replyTo: REPLY_TO,
  at: at(minute),
});
const refunded = (minute: number): Fact<'payment.refunded'> => ({
  type: 'payment.refunded',
  orderId: ORDER_ID,
  amountCents: 3997,
  replyTo: REPLY_TO,
  at: at(minute),
});

interface ActionLike {
  type: string;
  params?: unknown;
}
const emittedBy = (actions: readonly ActionLike[]): CancellationSagaEmitted[] =>
  actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: CancellationSagaEmitted }).event);

function create(input: CancellationSagaInput = sagaInput()) {
  const [snapshot, actions] = initialTransition(cancellationSagaMachine, input);
  return { snapshot, actions, emitted: emittedBy(actions) };
}
function send(snapshot: SagaSnapshot, event: CancellationSagaEvent) {
  const [next, actions] = transition(cancellationSagaMachine, snapshot, event);
  return { snapshot: next, actions, emitted: emittedBy(actions) };
}
const sendAll = (snapshot: SagaSnapshot, events: readonly CancellationSagaEvent[]) =>
  events.reduce((current, event) => send(current, event).snapshot, snapshot);
const timeout = (minute: number) => ({ type: TIMER, at: at(minute) }) as unknown as CancellationSagaEvent;
const completed = () => sendAll(create().snapshot, [released('SKU-1', 1), released('SKU-2', 2), refunded(3)]);
const accepted = (snapshot: SagaSnapshot) =>
  [...new Set(getNextTransitions(snapshot).map((next) => next.eventType))].sort();

describe('sample messages', () => {
  it('are valid for the schemas', () => {
    expect(cancellationSagaInputSchema.parse(sagaInput())).toEqual(sagaInput());
    for (const event of [released('SKU-1', 1), refunded(2)]) {
      expect(cancellationSagaEventSchema.parse(event)).toEqual(event);
    }
  });
});

describe('starting', () => {
  it('releases every line and refunds the payment, replying to this saga, and sets the step timer', () => {
    const { snapshot, actions, emitted } = create();

    expect(snapshot.value).toBe('releasing');
    expect(emitted).toStrictEqual([
      { type: 'inventory.release', orderId: ORDER_ID, sku: 'SKU-1', reason: REASON, replyTo: REPLY_TO },
      { type: 'inventory.release', orderId: ORDER_ID, sku: 'SKU-2', reason: REASON, replyTo: REPLY_TO },
      { type: 'payment.refund', orderId: ORDER_ID, reason: REASON, replyTo: REPLY_TO },
    ]);
    expect(
      actions.filter((action) => action.type === 'xstate.raise').map((action) => action.params),
    ).toStrictEqual([{ event: { type: TIMER }, id: TIMER, delay: 30_000 }]);
    expect(snapshot.context).toStrictEqual({
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      reason: REASON,
      lines: [
        { sku: 'SKU-1', quantity: 2, status: 'releasing' },
        { sku: 'SKU-2', quantity: 3, status: 'releasing' },
      ],
      refund: 'refunding',
      stepTimeoutMs: 30_000,
      steps: [
        { step: 'release SKU-1', status: 'started', at: STARTED, detail: 'quantity 2' },
        { step: 'release SKU-2', status: 'started', at: STARTED, detail: 'quantity 3' },
        { step: 'refund', status: 'started', at: STARTED, detail: REASON },
      ],
      startedAt: STARTED,
      updatedAt: STARTED,
    });
  });

  it('a SKU listed twice in the order is released once, for the summed quantity', () => {
    const items = [
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-1', quantity: 1 },
    ];
    const { snapshot, emitted } = create(sagaInput({ items }));
    expect(snapshot.context.lines).toStrictEqual([{ sku: 'SKU-1', quantity: 3, status: 'releasing' }]);
    expect(emitted.map((message) => message.type)).toEqual(['inventory.release', 'payment.refund']);
  });
});

describe('releasing -> completed', () => {
  it('completes only after every release and the refund are confirmed, in any order', () => {
    const one = send(create().snapshot, refunded(1));
    expect(one.snapshot.value).toBe('releasing');
    expect(one.actions).toEqual([]);
    const two = send(one.snapshot, released('SKU-2', 2, 3));
    expect(two.snapshot.value).toBe('releasing');

    const last = send(two.snapshot, released('SKU-1', 3));
    expect(last.snapshot.value).toBe('completed');
    expect(last.snapshot.status).toBe('active');
    expect(last.emitted).toEqual([]);
    expect(last.actions.map((action) => action.type)).toEqual(['xstate.cancel']);
    expect(last.snapshot.context.steps.slice(3)).toStrictEqual([
      { step: 'refund', status: 'done', at: at(1), detail: '3997 cents' },
      { step: 'release SKU-2', status: 'done', at: at(2), detail: 'quantity 3' },
      { step: 'release SKU-1', status: 'done', at: at(3), detail: 'quantity 2' },
    ]);
    expect(last.snapshot.context.updatedAt).toBe(at(3));
  });

  it('a repeated answer is recorded as ignored and does not complete early', () => {
    const once = send(create().snapshot, released('SKU-1', 1)).snapshot;
    const { snapshot, actions } = send(once, released('SKU-1', 2));
    expect(snapshot.value).toBe('releasing');
    expect(actions).toEqual([]);
    expect(snapshot.context.steps.at(-1)).toStrictEqual({
      step: 'release SKU-1',
      status: 'ignored',
      at: at(2),
      detail: 'no release of this line is outstanding',
    });
  });

  it('completed stays active and acknowledges late repeats as ignored, sending nothing', () => {
    const done = completed();
    for (const event of [released('SKU-1', 9), refunded(9)]) {
      const { snapshot, actions } = send(done, event);
      expect(snapshot.value).toBe('completed');
      expect(actions).toEqual([]);
      expect(snapshot.context.steps.at(-1)?.status).toBe('ignored');
    }
  });
});

describe('step timeout', () => {
  it('completes anyway, recording what is still unconfirmed; a late answer still confirms its step', () => {
    const waiting = send(create().snapshot, released('SKU-1', 1)).snapshot;
    expect(waiting.can(timeout(31))).toBe(true);
    const { snapshot, emitted } = send(waiting, timeout(31));

    expect(snapshot.value).toBe('completed');
    expect(emitted).toEqual([]);
    expect(snapshot.context.steps.at(-1)).toStrictEqual({
      step: 'timeout',
      status: 'failed',
      at: at(31),
      detail: 'still unconfirmed: release SKU-2, refund',
    });

    const late = send(snapshot, refunded(32)).snapshot;
    expect(late.context.refund).toBe('refunded');
    expect(late.context.steps.at(-1)).toMatchObject({ step: 'refund', status: 'done' });
  });
});

describe('accepted events and persistence', () => {
  it('names the accepted types per state', () => {
    expect(accepted(create().snapshot)).toEqual(['inventory.released', 'payment.refunded', TIMER]);
    expect(accepted(completed())).toEqual(['inventory.released', 'payment.refunded']);
    expect(completed().can(timeout(40))).toBe(false);
  });

  it('survives a JSON round trip and continues to completed', () => {
    const midway = send(create().snapshot, released('SKU-1', 1)).snapshot;
    const persisted: unknown = JSON.parse(
      JSON.stringify(cancellationSagaMachine.getPersistedSnapshot(midway)),
    );
    const restored = cancellationSagaMachine.resolveState(persisted as typeof midway);

    expect(restored.value).toBe('releasing');
    expect(restored.context).toStrictEqual(midway.context);
    expect(sendAll(restored, [released('SKU-2', 2, 3), refunded(3)]).value).toBe('completed');
  });
});
