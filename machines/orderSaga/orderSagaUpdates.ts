import type { OrderSagaContext, OrderSagaEvent, SagaStep } from './orderSagaEvents.ts';
import {
  lineOf,
  needsRefund,
  needsRelease,
  reservationFailureReason,
  step,
  stepOf,
  timeOf,
  unconfirmed,
  withStatus,
} from './sagaLines.ts';

/**
 * What each fact does to the order saga's record: pure (context, event) -> context changes, used by the machine's
 * `assign` actions. Every change appends to `steps`, so a person can read where the saga is and why.
 */
type Update = Partial<OrderSagaContext>;

/** Appends steps and moves `updatedAt` to the newest one. */
const record = (context: OrderSagaContext, ...steps: SagaStep[]): Update => ({
  steps: [...context.steps, ...steps],
  updatedAt: steps.at(-1)?.at ?? context.updatedAt,
});

const now = (context: OrderSagaContext, event: object) => timeOf(event, context.updatedAt);

/** The reason the order is cancelled with; set before compensating starts, so the fallback never shows. */
export const reasonOf = (context: OrderSagaContext) => context.failureReason ?? 'order cancelled';

export const reservationsRequested = (context: OrderSagaContext): Update => ({
  steps: context.lines.map((line) =>
    step(`reserve ${line.sku}`, 'started', context.startedAt, `quantity ${line.quantity}`),
  ),
});

export function reserved(context: OrderSagaContext, event: OrderSagaEvent): Update {
  if (event.type !== 'inventory.reserved') return {};
  const status = lineOf(context.lines, event.sku)?.status;
  if (status !== 'reserving') {
    const why = status ? `already ${status}` : 'not a line of this order';
    return record(context, step(`reserve ${event.sku}`, 'ignored', event.at, why));
  }
  return {
    lines: withStatus(context.lines, event.sku, 'reserved'),
    ...record(context, step(`reserve ${event.sku}`, 'done', event.at, `quantity ${event.quantity}`)),
  };
}

export function reservationFailed(context: OrderSagaContext, event: OrderSagaEvent): Update {
  if (event.type !== 'inventory.reservation.failed') return {};
  const reason = reservationFailureReason(event);
  return {
    lines: withStatus(context.lines, event.sku, 'failed'),
    failureReason: reason,
    ...record(context, step(`reserve ${event.sku}`, 'failed', event.at, reason)),
  };
}

export function customerCancelled(context: OrderSagaContext, event: OrderSagaEvent): Update {
  const reason = event.type === 'order.cancelled' ? event.reason : 'unspecified';
  return {
    cancelledByCustomer: true,
    failureReason: `cancelled by the customer: ${reason}`,
    ...record(context, step('customer cancel', 'done', now(context, event), reason)),
  };
}

export function timedOut(
  context: OrderSagaContext,
  event: object,
  waitingFor: 'inventory' | 'payment',
): Update {
  const pending = context.lines.filter((line) => line.status === 'reserving').map((line) => line.sku);
  const detail =
    waitingFor === 'inventory' ? `no answer for ${pending.join(', ')}` : 'no answer to the charge';
  return {
    failureReason: `timed out waiting for ${waitingFor}`,
    ...record(context, step('timeout', 'failed', now(context, event), detail)),
  };
}

export const chargeStarted = (context: OrderSagaContext, event: object): Update => ({
  payment: 'charging',
  ...record(context, step('charge', 'started', now(context, event), `${context.totalCents} cents`)),
});

export const charged = (context: OrderSagaContext, event: object): Update => ({
  payment: 'charged',
  ...record(context, step('charge', 'done', now(context, event), `${context.totalCents} cents`)),
});

export function declined(context: OrderSagaContext, event: OrderSagaEvent): Update {
  const reason = `payment declined: ${event.type === 'payment.failed' ? event.reason : 'unknown'}`;
  return {
    payment: 'declined',
    failureReason: reason,
    ...record(context, step('charge', 'failed', now(context, event), reason)),
  };
}

export const confirmed = (context: OrderSagaContext, event: object): Update =>
  record(
    context,
    step('confirm', 'done', now(context, event), 'order.confirm sent'),
    step('notify', 'done', now(context, event), 'CONFIRMED'),
  );

/** Marks what the compensation sent (see `needsRelease`, `needsRefund`); the emits read the state before this. */
export function compensationsSent(context: OrderSagaContext, event: object): Update {
  const at = now(context, event);
  const releases = context.lines.filter((line) => needsRelease(line.status));
  const refund = needsRefund(context.payment);
  return {
    lines: context.lines.map((line) => (needsRelease(line.status) ? { ...line, status: 'releasing' } : line)),
    payment: refund ? 'refunding' : context.payment,
    ...record(
      context,
      step('compensate', 'started', at, reasonOf(context)),
      ...releases.map((line) => step(`release ${line.sku}`, 'started', at, `quantity ${line.quantity}`)),
      ...(refund ? [step('refund', 'started', at, `${context.totalCents} cents`)] : []),
      ...(context.cancelledByCustomer ? [] : [step('cancel order', 'done', at, 'order.cancel sent')]),
    ),
  };
}

/** An acknowledgement after the step timeout still confirms its step; a repeated one is ignored. */
export function released(context: OrderSagaContext, event: OrderSagaEvent): Update {
  if (event.type !== 'inventory.released') return {};
  const name = `release ${event.sku}`;
  if (lineOf(context.lines, event.sku)?.status !== 'releasing') {
    return record(context, step(name, 'ignored', event.at, 'no release of this line is outstanding'));
  }
  return {
    lines: withStatus(context.lines, event.sku, 'released'),
    ...record(context, step(name, 'done', event.at, `quantity ${event.quantity}`)),
  };
}

export function refunded(context: OrderSagaContext, event: OrderSagaEvent): Update {
  if (event.type !== 'payment.refunded') return {};
  if (context.payment !== 'refunding') {
    return record(context, step('refund', 'ignored', event.at, 'no refund is outstanding'));
  }
  return {
    payment: 'refunded',
    ...record(context, step('refund', 'done', event.at, `${event.amountCents} cents`)),
  };
}

export function lateReservation(context: OrderSagaContext, event: OrderSagaEvent): Update {
  if (event.type !== 'inventory.reserved') return {};
  return {
    lines: withStatus(context.lines, event.sku, 'releasing'),
    ...record(context, step(`release ${event.sku}`, 'started', event.at, 'late reservation released')),
  };
}

export const lateCharge = (context: OrderSagaContext, event: object): Update => ({
  payment: 'refunding',
  ...record(context, step('refund', 'started', now(context, event), 'late charge refunded')),
});

export const compensationTimedOut = (context: OrderSagaContext, event: object): Update =>
  record(
    context,
    step('timeout', 'failed', now(context, event), `still unconfirmed: ${unconfirmed(context).join(', ')}`),
  );

export const cancelled = (context: OrderSagaContext, event: object): Update =>
  record(context, step('notify', 'done', now(context, event), `CANCELLED: ${reasonOf(context)}`));

export const ignored = (context: OrderSagaContext, event: OrderSagaEvent, why: string): Update =>
  record(context, step(stepOf(event), 'ignored', now(context, event), `${event.type}: ${why}`));
