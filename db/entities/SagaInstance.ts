import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Read model of saga progress: where each saga is and why, for people and for `orders.track`. */
export const SagaInstance = defineEntity({
  name: 'SagaInstance',
  tableName: 'saga_instances',
  properties: {
    sagaType: p.text().primary(),
    sagaId: p.text().primary(),
    orderId: p.uuid().index('saga_instances_order_id_idx'),
    state: p.text().index('saga_instances_state_idx'),
    failureReason: p.text().nullable(),
    steps: p.json<unknown[]>(),
    version: p.integer(),
    startedAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type SagaInstanceRow = InferEntity<typeof SagaInstance>;
