import type { Turn } from '../../actors/ports.ts';
import { describeStateValue } from '../../actors/stateValue.ts';
import type { CancellationSagaContext } from '../../machines/cancellationSaga/cancellationSagaEvents.ts';
import type { OrderSagaContext } from '../../machines/orderSaga/orderSagaEvents.ts';
import type { SagaInstanceRow } from '../entities/SagaInstance.ts';

export const SAGA_TYPES = ['orderSaga', 'cancellationSaga'] as const;
export type SagaType = (typeof SAGA_TYPES)[number];

const isSagaType = (value: string): value is SagaType => (SAGA_TYPES as readonly string[]).includes(value);

/**
 * Pure: a saga actor's turn (orderSaga or cancellationSaga) -> its row in `saga_instances`: where it is (the state
 * text), why it failed, and every step it recorded. Times come from the saga's context, never from a clock.
 */
export function projectSaga(turn: Turn): SagaInstanceRow {
  const sagaType = turn.ref.type;
  if (!isSagaType(sagaType)) {
    throw new RangeError(`${sagaType} ${turn.ref.id}: not a saga type (${SAGA_TYPES.join(', ')})`);
  }
  const common = { sagaType, sagaId: turn.ref.id, state: describeStateValue(turn.snapshot.value) };
  if (sagaType === 'orderSaga') {
    const context = turn.snapshot.context as OrderSagaContext;
    return {
      ...common,
      orderId: context.orderId,
      failureReason: context.failureReason ?? null,
      steps: context.steps,
      version: turn.version,
      startedAt: new Date(context.startedAt),
      updatedAt: new Date(context.updatedAt),
    };
  }
  const context = turn.snapshot.context as CancellationSagaContext;
  return {
    ...common,
    orderId: context.orderId,
    failureReason: context.reason,
    steps: context.steps,
    version: turn.version,
    startedAt: new Date(context.startedAt),
    updatedAt: new Date(context.updatedAt),
  };
}
