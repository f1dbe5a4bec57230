import type { Turn } from '../../actors/ports.ts';
import type { PaymentContext } from '../../machines/payment/paymentEvents.ts';
import type { PaymentRow } from '../entities/Payment.ts';

/** The payment machine's states, which are also the statuses its read model shows. */
export const PAYMENT_STATUSES = ['deciding', 'CHARGED', 'DECLINED', 'REFUNDED', 'VOIDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const isPaymentStatus = (value: unknown): value is PaymentStatus =>
  typeof value === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(value);

/** Pure: a payment actor's turn -> its row in `payments` (status = the machine's state). */
export function projectPayment(turn: Turn): PaymentRow {
  const status = turn.snapshot.value;
  if (!isPaymentStatus(status)) {
    throw new RangeError(`payment ${turn.ref.id}: state ${JSON.stringify(status)} is not a payment status`);
  }
  const context = turn.snapshot.context as PaymentContext;
  return {
    orderId: context.orderId,
    customerId: context.customerId ?? null,
    status,
    amountCents: context.amountCents,
    refundedCents: context.refundedCents,
    failureReason: context.failureReason ?? null,
    version: turn.version,
    updatedAt: new Date(context.updatedAt),
  };
}
