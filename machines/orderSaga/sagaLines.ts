import type { LineStatus, OrderSagaContext, OrderSagaEvent, SagaStep } from './orderSagaEvents.ts';

/**
 * Pure bookkeeping for the sagas: per-SKU line status, step records and readable reasons. Kept out of the machine
 * files so they stay a readable picture of the protocol; every function here is a plain function of its arguments.
 */
type Line = { sku: string; quantity: number; status: string };
type ReservationFailed = Extract<OrderSagaEvent, { type: 'inventory.reservation.failed' }>;

export function step(name: string, status: SagaStep['status'], at: string, detail?: string): SagaStep {
  return { step: name, status, at, ...(detail === undefined ? {} : { detail }) };
}

/**
 * The time a message occurred. A timer the runtime delivers (`xstate.after.*`) may carry no `at`, and the pure
 * API passes the after-event as is; then the saga's last known time stands in, so a step never lacks a time.
 */
export function timeOf(event: object, fallback: string): string {
  const at = (event as { at?: unknown }).at;
  return typeof at === 'string' ? at : fallback;
}

export const lineOf = <TLine extends Line>(lines: readonly TLine[], sku: string): TLine | undefined =>
  lines.find((line) => line.sku === sku);

export const withStatus = <TLine extends Line>(
  lines: readonly TLine[],
  sku: string,
  status: TLine['status'],
): TLine[] => lines.map((line) => (line.sku === sku ? { ...line, status } : line));

/** This answer is the last reservation the saga waits for: the line is pending and every other one is held. */
export const completesReservation = (lines: readonly Line[], sku: string): boolean =>
  lineOf(lines, sku)?.status === 'reserving' &&
  lines.every((line) => line.sku === sku || line.status === 'reserved');

/**
 * The lines a compensation releases: those held, and those still being reserved (their release may overtake the
 * reservation, which the inventory item then refuses, docs/sagas.md). A failed line holds nothing.
 */
export const needsRelease = (status: LineStatus): boolean => status === 'reserved' || status === 'reserving';

/** The payment may hold money: charged, or a charge in flight whose answer never came. */
export const needsRefund = (payment: OrderSagaContext['payment']): boolean =>
  payment === 'charged' || payment === 'charging';

/** What a compensation still waits for, as step names (`release SKU-1`, `refund`). */
export function unconfirmed(context: Pick<OrderSagaContext, 'lines' | 'payment'>): string[] {
  const releases = context.lines
    .filter((line) => line.status === 'releasing')
    .map((line) => `release ${line.sku}`);
  return context.payment === 'refunding' ? [...releases, 'refund'] : releases;
}

export function reservationFailureReason(event: ReservationFailed): string {
  switch (event.reason) {
    case 'INSUFFICIENT_STOCK':
      return `insufficient stock for ${event.sku} (requested ${event.requested}, available ${event.available}, shortfall ${event.shortfall})`;
    case 'UNKNOWN_SKU':
      return `unknown SKU ${event.sku}`;
    case 'DELETED':
      return `${event.sku} is no longer sold`;
    case 'RELEASED':
      return `the reservation of ${event.sku} was already released`;
  }
}

/** The step a fact answers, so an ignored fact is recorded next to the step it belongs to. */
export function stepOf(event: OrderSagaEvent): string {
  switch (event.type) {
    case 'inventory.reserved':
    case 'inventory.reservation.failed':
      return `reserve ${event.sku}`;
    case 'inventory.released':
      return `release ${event.sku}`;
    case 'payment.processed':
    case 'payment.failed':
      return 'charge';
    case 'payment.refunded':
      return 'refund';
    case 'order.cancelled':
      return 'customer cancel';
  }
}

/** Repeated SKUs become one line with the quantities added up: a release is per order and SKU. */
export function mergeLines(
  items: readonly { sku: string; quantity: number }[],
): { sku: string; quantity: number }[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of items) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}
