import { assign, emit, enqueueActions, setup } from 'xstate';
import type {
  OrderSagaContext,
  OrderSagaEmitted,
  OrderSagaEvent,
  OrderSagaInput,
} from './orderSagaEvents.ts';
import * as message from './orderSagaMessages.ts';
import * as update from './orderSagaUpdates.ts';
import { completesReservation, lineOf, needsRefund, needsRelease, unconfirmed } from './sagaLines.ts';

/**
 * The order saga (actor id = order id): reserves every line, charges the total and confirms the order, or undoes
 * what was done and cancels it. Consumes inventory and payment facts and a customer's `order.cancelled`; emits
 * `inventory.*`, `payment.*` and `order.*` commands and `order.notification`. Protocol: docs/sagas.md.
 */
type FactType = OrderSagaEvent['type'];

const INVENTORY_FACTS = ['inventory.reserved', 'inventory.reservation.failed', 'inventory.released'] as const;
const PAYMENT_FACTS = ['payment.processed', 'payment.failed', 'payment.refunded'] as const;
/** Failures and a customer's cancellation change nothing once the saga has decided to undo. */
const OVERTAKEN_FACTS = ['inventory.reservation.failed', 'payment.failed', 'order.cancelled'] as const;

const ignore = (why: string) => ({ actions: { type: 'recordIgnored', params: { why } } }) as const;

/** Facts a state acknowledges without acting on: accepted (so they never reach a dead letter topic) and recorded. */
function ignoring<const TTypes extends readonly FactType[]>(why: string, types: TTypes) {
  return Object.fromEntries(types.map((type) => [type, ignore(why)])) as {
    [K in TTypes[number]]: ReturnType<typeof ignore>;
  };
}

export const orderSagaMachine = setup({
  types: {
    context: {} as OrderSagaContext,
    events: {} as OrderSagaEvent,
    input: {} as OrderSagaInput,
    emitted: {} as OrderSagaEmitted,
  },
  delays: {
    stepTimeout: ({ context }) => context.stepTimeoutMs,
  },
  guards: {
    completesReservation: ({ context, event }) =>
      event.type === 'inventory.reserved' && completesReservation(context.lines, event.sku),
    isAwaitedLine: ({ context, event }) =>
      'sku' in event && lineOf(context.lines, event.sku)?.status === 'reserving',
    isCustomerCancellation: ({ event }) =>
      event.type === 'order.cancelled' && event.previousStatus === 'PENDING' && event.initiator === undefined,
    isCompensated: ({ context }) => unconfirmed(context).length === 0,
    /** A reservation no release covers: the protocol says it cannot happen once compensating, so a safety net. */
    hasNoRelease: ({ context, event }) => {
      const status = 'sku' in event ? lineOf(context.lines, event.sku)?.status : undefined;
      return status !== undefined && status !== 'releasing' && status !== 'released';
    },
    hasNoRefund: ({ context }) => context.payment !== 'refunding' && context.payment !== 'refunded',
  },
  actions: {
    recordReservationsRequested: assign(({ context }) => update.reservationsRequested(context)),
    emitReserveCommands: enqueueActions(({ context, enqueue }) => {
      for (const { sku, quantity } of context.lines) enqueue.emit(message.reserve(context, sku, quantity));
    }),
    recordReserved: assign(({ context, event }) => update.reserved(context, event)),
    recordReservationFailed: assign(({ context, event }) => update.reservationFailed(context, event)),
    recordCustomerCancel: assign(({ context, event }) => update.customerCancelled(context, event)),
    recordTimeout: assign(({ context, event }, params: { waitingFor: 'inventory' | 'payment' }) =>
      update.timedOut(context, event, params.waitingFor),
    ),
    recordChargeStarted: assign(({ context, event }) => update.chargeStarted(context, event)),
    emitCharge: emit(({ context }) => message.charge(context)),
    recordCharged: assign(({ context, event }) => update.charged(context, event)),
    recordDeclined: assign(({ context, event }) => update.declined(context, event)),
    recordConfirmed: assign(({ context, event }) => update.confirmed(context, event)),
    emitOrderConfirm: emit(({ context }) => message.confirmOrder(context)),
    emitConfirmedNotification: emit(({ context }) => message.notification(context, 'CONFIRMED')),
    /** Reads the state before `recordCompensationsSent` marks it, so it runs first. */
    emitCompensations: enqueueActions(({ context, enqueue }) => {
      for (const line of context.lines) {
        if (needsRelease(line.status)) enqueue.emit(message.release(context, line.sku));
      }
      if (needsRefund(context.payment)) enqueue.emit(message.refund(context));
      if (!context.cancelledByCustomer) enqueue.emit(message.cancelOrder(context));
    }),
    recordCompensationsSent: assign(({ context, event }) => update.compensationsSent(context, event)),
    recordReleased: assign(({ context, event }) => update.released(context, event)),
    recordRefunded: assign(({ context, event }) => update.refunded(context, event)),
    emitLateRelease: emit(({ context, event }) => message.release(context, 'sku' in event ? event.sku : '')),
    recordLateReservation: assign(({ context, event }) => update.lateReservation(context, event)),
    emitLateRefund: emit(({ context }) => message.refund(context)),
    recordLateCharge: assign(({ context, event }) => update.lateCharge(context, event)),
    recordCompensationTimeout: assign(({ context, event }) => update.compensationTimedOut(context, event)),
    recordCancelled: assign(({ context, event }) => update.cancelled(context, event)),
    emitCancelledNotification: emit(({ context }) => message.notification(context, 'CANCELLED')),
    recordIgnored: assign(({ context, event }, params: { why: string }) =>
      update.ignored(context, event, params.why),
    ),
  },
}).createMachine({
  id: 'orderSaga',
  version: '1',
  context: ({ input }) => ({
    orderId: input.orderId,
    customerId: input.customerId,
    lines: input.lines.map((line) => ({ ...line, status: 'reserving' as const })),
    totalCents: input.totalCents,
    payment: 'none',
    stepTimeoutMs: input.stepTimeoutMs,
    cancelledByCustomer: false,
    steps: [],
    startedAt: input.at,
    updatedAt: input.at,
  }),
  initial: 'reserving',
  states: {
    reserving: {
      description: 'Asks the inventory item of every SKU to hold its quantity, and waits for every answer.',
      entry: ['recordReservationsRequested', 'emitReserveCommands'],
      after: {
        stepTimeout: {
          target: 'compensating',
          actions: { type: 'recordTimeout', params: { waitingFor: 'inventory' } },
          description: 'Some SKU did not answer in time.',
        },
      },
      on: {
        'inventory.reserved': [
          {
            guard: 'completesReservation',
            target: 'charging',
            actions: 'recordReserved',
            description: 'The last line is held: charge the total.',
          },
          {
            actions: 'recordReserved',
            description: 'One more line is held (a repeat is recorded as ignored).',
          },
        ],
        'inventory.reservation.failed': [
          {
            guard: 'isAwaitedLine',
            target: 'compensating',
            actions: 'recordReservationFailed',
            description: 'A SKU cannot be held: undo the others.',
          },
          ignore('this line is not waiting for a reservation'),
        ],
        'order.cancelled': customerCancel(),
      },
    },
    charging: {
      description: 'Every line is held; charges the order total and waits for the answer.',
      entry: ['recordChargeStarted', 'emitCharge'],
      after: {
        stepTimeout: {
          target: 'compensating',
          actions: { type: 'recordTimeout', params: { waitingFor: 'payment' } },
          description: 'No answer: the charge may still go through, so the compensation refunds it anyway.',
        },
      },
      on: {
        'payment.processed': { target: 'confirmed', actions: 'recordCharged' },
        'payment.failed': { target: 'compensating', actions: 'recordDeclined' },
        'order.cancelled': customerCancel(),
        ...ignoring('every line is already reserved', INVENTORY_FACTS),
        'payment.refunded': ignore('no refund was asked for'),
      },
    },
    confirmed: {
      description: 'Confirms the order and tells the customer; stays active to acknowledge late facts.',
      entry: ['recordConfirmed', 'emitOrderConfirm', 'emitConfirmedNotification'],
      on: {
        'order.cancelled': customerCancel(),
        ...ignoring('the order is already confirmed', [...INVENTORY_FACTS, ...PAYMENT_FACTS]),
      },
    },
    compensating: {
      description:
        'Releases held and pending lines, refunds a possible charge, cancels the order; waits for answers.',
      entry: ['emitCompensations', 'recordCompensationsSent'],
      always: {
        guard: 'isCompensated',
        target: 'cancelled',
        description: 'Every release and refund is confirmed.',
      },
      after: {
        stepTimeout: {
          target: 'cancelled',
          actions: 'recordCompensationTimeout',
          description: 'Stops waiting; what is still unconfirmed is recorded.',
        },
      },
      on: {
        ...lateFacts(),
        ...ignoring('the saga is already compensating', OVERTAKEN_FACTS),
      },
    },
    cancelled: {
      description: 'Undone (or no longer waited for); tells the customer. Stays active to undo late facts.',
      entry: ['recordCancelled', 'emitCancelledNotification'],
      on: {
        ...lateFacts(),
        ...ignoring('the order is already cancelled', OVERTAKEN_FACTS),
      },
    },
  },
});

/** Only a person cancelling a PENDING order is routed here (a saga's own cancellation names its initiator). */
function customerCancel() {
  return [
    {
      guard: 'isCustomerCancellation',
      target: 'compensating',
      actions: 'recordCustomerCancel',
      description: 'The customer cancelled the order: undo everything, without cancelling it again.',
    },
    ignore('not a customer cancellation of a pending order'),
  ] as const;
}

/** While compensating and after: acknowledgements are recorded, and late reservations and charges are undone. */
function lateFacts() {
  return {
    'inventory.reserved': [
      {
        guard: 'hasNoRelease',
        actions: ['emitLateRelease', 'recordLateReservation'],
        description: 'A reservation that no release covers yet is released.',
      },
      ignore('its release was already sent and frees it whichever arrives first'),
    ],
    'payment.processed': [
      {
        guard: 'hasNoRefund',
        actions: ['emitLateRefund', 'recordLateCharge'],
        description: 'A charge that no refund covers yet is refunded.',
      },
      ignore('its refund was already sent'),
    ],
    'inventory.released': { actions: 'recordReleased' },
    'payment.refunded': { actions: 'recordRefunded' },
  } as const;
}

export type OrderSagaMachine = typeof orderSagaMachine;
