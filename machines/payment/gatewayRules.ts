import type { PaymentRules } from './paymentEvents.ts';

/**
 * The simulated gateway's decision: deterministic rules given at creation, so a test can drive every outcome and a
 * repeated charge gets the same answer.
 */
export interface Decline {
  code: 'AMOUNT_LIMIT' | 'CUSTOMER_BLOCKED';
  reason: string;
}

/** 1234567 -> "12345.67", exact for any integer number of cents (no floating-point division). */
export function formatCents(cents: number): string {
  const whole = Math.trunc(cents / 100);
  return `${whole}.${String(Math.abs(cents % 100)).padStart(2, '0')}`;
}

/** Why the gateway declines this charge, or undefined when it is taken. An amount equal to the limit is taken. */
export function declineOf(
  rules: PaymentRules,
  charge: { customerId?: string | undefined; amountCents: number },
): Decline | undefined {
  if (charge.amountCents > rules.declineAboveCents) {
    const reason = `amount ${formatCents(charge.amountCents)} exceeds the limit ${formatCents(rules.declineAboveCents)}`;
    return { code: 'AMOUNT_LIMIT', reason };
  }
  if (charge.customerId !== undefined && rules.declinedCustomerIds.includes(charge.customerId)) {
    return { code: 'CUSTOMER_BLOCKED', reason: `customer ${charge.customerId} is blocked` };
  }
  return undefined;
}
