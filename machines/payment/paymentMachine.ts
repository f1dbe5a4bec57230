import { assertEvent, assign, emit, setup } from 'xstate';
import type { ReplyTo } from '../shared/replyTo.ts';
import { declineOf } from './gatewayRules.ts';
import type { PaymentContext, PaymentEmitted, PaymentEvent, PaymentInput } from './paymentEvents.ts';

/**
 * One order's payment (actor id = order id) against the simulated gateway: charged or declined by the rules given at
 * creation, refunded at most once, or VOIDED when a refund overtakes its charge (docs/sagas.md). Consumes
 * `payment.charge` and `payment.refund`, and answers each with `payment.processed|failed|refunded`, forever.
 */
type Context = PaymentContext;

/** The transitions out of `deciding` run on xstate.init, which has no replyTo: the first command's is in context. */
const replyToOf = (context: Context, event: PaymentEvent): ReplyTo =>
  'replyTo' in event ? event.replyTo : context.replyTo;

const declineFor = (context: Context) => {
  const decline = declineOf(context.rules, context);
  if (!decline) throw new RangeError('a declined payment is declined by its rules');
  return decline;
};

export const paymentMachine = setup({
  types: {
    context: {} as Context,
    events: {} as PaymentEvent,
    input: {} as PaymentInput,
    emitted: {} as PaymentEmitted,
  },
  guards: {
    // A charge always names its customer and a refund never does, so this tells which command created the payment.
    createdByRefund: ({ context }) => context.customerId === undefined,
    declinedByRules: ({ context }) => declineOf(context.rules, context) !== undefined,
  },
  actions: {
    recordVoid: assign({ failureReason: 'VOIDED' }),
    recordDecline: assign(({ context }) => ({ failureReason: declineFor(context).reason })),
    recordCharge: assign(({ context }) => ({ chargedAt: context.createdAt })),
    recordRefund: assign(({ context, event }) => {
      assertEvent(event, 'payment.refund');
      return { refundedCents: context.amountCents, refundedAt: event.at, updatedAt: event.at };
    }),
    emitProcessed: emit(({ context, event }) => ({
      type: 'payment.processed' as const,
      orderId: context.orderId,
      amountCents: context.amountCents,
      replyTo: replyToOf(context, event),
    })),
    emitDeclined: emit(({ context, event }) => ({
      type: 'payment.failed' as const,
      orderId: context.orderId,
      amountCents: context.amountCents,
      // Recomputed from the stored rules, which never change, so every repeat carries the first code and reason.
      ...declineFor(context),
      replyTo: replyToOf(context, event),
    })),
    // refundedCents is 0 unless a charge was refunded, so this one answer serves every state.
    emitRefunded: emit(({ context, event }) => ({
      type: 'payment.refunded' as const,
      orderId: context.orderId,
      amountCents: context.refundedCents,
      replyTo: replyToOf(context, event),
    })),
    emitVoidedCharge: emit(({ context, event }, params: { reason: string }) => {
      assertEvent(event, 'payment.charge');
      return {
        type: 'payment.failed' as const,
        orderId: context.orderId,
        amountCents: event.amountCents,
        reason: params.reason,
        code: 'VOIDED' as const,
        replyTo: event.replyTo,
      };
    }),
  },
}).createMachine({
  id: 'payment',
  version: '1',
  context: ({ input: { rules, first } }) => ({
    orderId: first.orderId,
    ...(first.type === 'payment.charge'
      ? { customerId: first.customerId, amountCents: first.amountCents }
      : { amountCents: 0 }),
    refundedCents: 0,
    rules,
    replyTo: first.replyTo,
    createdAt: first.at,
    updatedAt: first.at,
  }),
  initial: 'deciding',
  states: {
    deciding: {
      description: 'Transient: answers the command that created the payment and settles in its state.',
      always: [
        {
          guard: 'createdByRefund',
          target: 'VOIDED',
          actions: ['recordVoid', 'emitRefunded'],
          description: 'A refund overtook its charge (or there is none): nothing to refund, amount 0.',
        },
        {
          guard: 'declinedByRules',
          target: 'DECLINED',
          actions: ['recordDecline', 'emitDeclined'],
          description: 'Above the amount limit, or a blocked customer.',
        },
        { target: 'CHARGED', actions: ['recordCharge', 'emitProcessed'] },
      ],
    },
    CHARGED: {
      description: 'The amount was taken; it can be refunded once.',
      on: {
        'payment.charge': { actions: 'emitProcessed', description: 'A repeated charge: the same answer.' },
        'payment.refund': {
          target: 'REFUNDED',
          actions: ['recordRefund', 'emitRefunded'],
          description: 'Refunds the charged amount.',
        },
      },
    },
    DECLINED: {
      description: 'The gateway declined the charge; nothing was taken.',
      on: {
        'payment.charge': { actions: 'emitDeclined', description: 'A repeated charge: the same decline.' },
        'payment.refund': { actions: 'emitRefunded', description: 'Nothing was taken: refunded 0.' },
      },
    },
    REFUNDED: {
      description: 'Charged, then refunded exactly once.',
      on: {
        'payment.charge': {
          actions: { type: 'emitVoidedCharge', params: { reason: 'already refunded' } },
          description: 'Never charged again after a refund.',
        },
        'payment.refund': {
          actions: 'emitRefunded',
          description: 'A repeated refund: the same amount again.',
        },
      },
    },
    VOIDED: {
      description: 'A refund came before any charge; a later charge is refused, so no refund is ever owed.',
      on: {
        'payment.charge': {
          actions: { type: 'emitVoidedCharge', params: { reason: 'voided: refunded before it was charged' } },
          description: 'The refund already cancelled this payment.',
        },
        'payment.refund': { actions: 'emitRefunded', description: 'A repeated refund: 0 again.' },
      },
    },
  },
});

export type PaymentMachine = typeof paymentMachine;
