import { assign, enqueueActions, setup } from 'xstate';
import { lineOf, mergeLines, step, timeOf, withStatus } from '../orderSaga/sagaLines.ts';
import {
  type CancellationSagaContext,
  type CancellationSagaEmitted,
  type CancellationSagaEvent,
  type CancellationSagaInput,
  cancellationReplyTo,
} from './cancellationSagaEvents.ts';

/**
 * The cancellation saga (actor id = order id): started by `order.cancelled` of a CONFIRMED or PROCESSING order,
 * it releases every line and refunds the payment, once each. Consumes `inventory.released` and `payment.refunded`;
 * emits `inventory.release` and `payment.refund`. Protocol: docs/sagas.md.
 */
type Context = CancellationSagaContext;
type Update = Partial<Context>;

const record = (context: Context, ...steps: Context['steps']): Update => ({
  steps: [...context.steps, ...steps],
  updatedAt: steps.at(-1)?.at ?? context.updatedAt,
});

/** What the saga still waits for, as step names (`release SKU-1`, `refund`). */
function unconfirmed(context: Context): string[] {
  const releases = context.lines
    .filter((line) => line.status === 'releasing')
    .map((line) => `release ${line.sku}`);
  return context.refund === 'refunding' ? [...releases, 'refund'] : releases;
}

/** An answer confirms its step, also after the step timeout; a repeated or unknown one is recorded as ignored. */
function answered(context: Context, event: CancellationSagaEvent): Update {
  if (event.type === 'payment.refunded') {
    if (context.refund === 'refunded')
      return record(context, step('refund', 'ignored', event.at, 'already refunded'));
    return {
      refund: 'refunded',
      ...record(context, step('refund', 'done', event.at, `${event.amountCents} cents`)),
    };
  }
  const name = `release ${event.sku}`;
  if (lineOf(context.lines, event.sku)?.status !== 'releasing') {
    return record(context, step(name, 'ignored', event.at, 'no release of this line is outstanding'));
  }
  return {
    lines: withStatus(context.lines, event.sku, 'released'),
    ...record(context, step(name, 'done', event.at, `quantity ${event.quantity}`)),
  };
}

export const cancellationSagaMachine = setup({
  types: {
    context: {} as Context,
    events: {} as CancellationSagaEvent,
    input: {} as CancellationSagaInput,
    emitted: {} as CancellationSagaEmitted,
  },
  delays: {
    stepTimeout: ({ context }) => context.stepTimeoutMs,
  },
  guards: {
    isLastAnswer: ({ context, event }) =>
      unconfirmed({ ...context, ...answered(context, event) }).length === 0,
  },
  actions: {
    recordRequests: assign(({ context }) => ({
      steps: [
        ...context.lines.map((line) =>
          step(`release ${line.sku}`, 'started', context.startedAt, `quantity ${line.quantity}`),
        ),
        step('refund', 'started', context.startedAt, context.reason),
      ],
    })),
    emitRequests: enqueueActions(({ context: { orderId, lines, reason }, enqueue }) => {
      const replyTo = cancellationReplyTo(orderId);
      for (const { sku } of lines) enqueue.emit({ type: 'inventory.release', orderId, sku, reason, replyTo });
      enqueue.emit({ type: 'payment.refund', orderId, reason, replyTo });
    }),
    recordAnswer: assign(({ context, event }) => answered(context, event)),
    recordTimeout: assign(({ context, event }) =>
      record(
        context,
        step(
          'timeout',
          'failed',
          timeOf(event, context.updatedAt),
          `still unconfirmed: ${unconfirmed(context).join(', ')}`,
        ),
      ),
    ),
  },
}).createMachine({
  id: 'cancellationSaga',
  version: '1',
  context: ({ input }) => ({
    orderId: input.orderId,
    customerId: input.customerId,
    reason: input.reason,
    // Repeated SKUs become one line: a release is per order and SKU.
    lines: mergeLines(input.items).map((line) => ({ ...line, status: 'releasing' as const })),
    refund: 'refunding',
    stepTimeoutMs: input.stepTimeoutMs,
    steps: [],
    startedAt: input.at,
    updatedAt: input.at,
  }),
  initial: 'releasing',
  states: {
    releasing: {
      description: 'Releases every line and refunds the payment, and waits for every answer.',
      entry: ['recordRequests', 'emitRequests'],
      after: {
        stepTimeout: {
          target: 'completed',
          actions: 'recordTimeout',
          description: 'Stops waiting; what is still unconfirmed is recorded.',
        },
      },
      on: {
        'inventory.released': [
          {
            guard: 'isLastAnswer',
            target: 'completed',
            actions: 'recordAnswer',
            description: 'All confirmed.',
          },
          { actions: 'recordAnswer', description: 'One more release confirmed (a repeat is ignored).' },
        ],
        'payment.refunded': [
          {
            guard: 'isLastAnswer',
            target: 'completed',
            actions: 'recordAnswer',
            description: 'All confirmed.',
          },
          { actions: 'recordAnswer', description: 'The refund is confirmed (a repeat is ignored).' },
        ],
      },
    },
    completed: {
      description:
        'Everything released and refunded (or no longer waited for). Stays active to record late answers.',
      on: {
        'inventory.released': { actions: 'recordAnswer' },
        'payment.refunded': { actions: 'recordAnswer' },
      },
    },
  },
});

export type CancellationSagaMachine = typeof cancellationSagaMachine;
