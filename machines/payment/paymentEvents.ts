import { z } from 'zod';
import { cents, isoTime, replyToSchema } from '../shared/replyTo.ts';
import { anyText } from '../shared/text.ts';

/**
 * The payment of one order (actor id = order id), against a simulated gateway whose rules are deterministic so a
 * test can drive every outcome. See docs/sagas.md: a charge and a refund are each answered once and repeated.
 */
export const paymentRulesSchema = z.object({
  /** Amounts above this are declined (default 10000.00). */
  declineAboveCents: cents,
  /** These customers are always declined. */
  declinedCustomerIds: z.array(z.string()).max(10_000),
});
export type PaymentRules = z.infer<typeof paymentRulesSchema>;

const orderId = z.uuid();

export const paymentChargeSchema = z.object({
  type: z.literal('payment.charge'),
  orderId,
  customerId: z.uuid(),
  amountCents: cents,
  replyTo: replyToSchema,
  at: isoTime,
});
export const paymentRefundSchema = z.object({
  type: z.literal('payment.refund'),
  orderId,
  reason: anyText(500),
  replyTo: replyToSchema,
  at: isoTime,
});

export const paymentEventSchema = z.discriminatedUnion('type', [paymentChargeSchema, paymentRefundSchema]);
export type PaymentEvent = z.infer<typeof paymentEventSchema>;

/** Created by whichever arrives first: a charge, or a refund that overtook it (the payment is then VOIDED). */
export type PaymentInput = { rules: PaymentRules; first: PaymentEvent };

export interface PaymentContext {
  orderId: string;
  customerId?: string;
  amountCents: number;
  refundedCents: number;
  rules: PaymentRules;
  /** Why it was declined, or VOIDED. */
  failureReason?: string;
  /** The actor to answer (from the first command). */
  replyTo: { type: string; id: string };
  chargedAt?: string;
  refundedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const paymentProcessedSchema = z.object({ orderId, amountCents: cents, replyTo: replyToSchema });
export const paymentFailedSchema = z.object({
  orderId,
  amountCents: cents,
  reason: anyText(1000),
  code: z.enum(['AMOUNT_LIMIT', 'CUSTOMER_BLOCKED', 'VOIDED']),
  replyTo: replyToSchema,
});
export const paymentRefundedSchema = z.object({ orderId, amountCents: cents, replyTo: replyToSchema });

export type PaymentEmitted =
  | ({ type: 'payment.processed' } & z.infer<typeof paymentProcessedSchema>)
  | ({ type: 'payment.failed' } & z.infer<typeof paymentFailedSchema>)
  | ({ type: 'payment.refunded' } & z.infer<typeof paymentRefundedSchema>);
