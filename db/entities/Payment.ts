import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Read model of one order's payment actor. */
export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  properties: {
    orderId: p.uuid().primary(),
    customerId: p.uuid().nullable(),
    status: p.text().index('payments_status_idx'),
    amountCents: p.bigint('number'),
    refundedCents: p.bigint('number'),
    failureReason: p.text().nullable(),
    version: p.integer(),
    updatedAt: p.datetime(),
  },
});

export type PaymentRow = InferEntity<typeof Payment>;
