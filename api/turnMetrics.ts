import type { Turn } from '../actors/ports.ts';
import { describeStateValue } from '../actors/stateValue.ts';
import type { Metrics } from './metrics.ts';

/**
 * The states where a saga has its outcome. Sagas stay active there (to acknowledge late facts), so the outcome is
 * the turn that *enters* one of them; that turn observes how long the saga took.
 */
const SAGA_OUTCOMES: Readonly<Record<string, readonly string[]>> = {
  orderSaga: ['confirmed', 'cancelled'],
  cancellationSaga: ['completed'],
};

export function observeTurn(metrics: Metrics, turn: Turn, durationMs: number): void {
  metrics.turns.inc({ actor_type: turn.ref.type });
  metrics.turnDuration.observe({ actor_type: turn.ref.type }, durationMs / 1000);
  const outcome = describeStateValue(turn.snapshot.value);
  const entered = turn.stateBefore === undefined || describeStateValue(turn.stateBefore) !== outcome;
  if (!entered || !SAGA_OUTCOMES[turn.ref.type]?.includes(outcome)) return;
  const startedAt = Date.parse(String((turn.snapshot.context as { startedAt?: unknown } | null)?.startedAt));
  if (Number.isNaN(startedAt)) return;
  metrics.sagaDuration.observe({ saga: turn.ref.type, outcome }, Math.max(0, Date.now() - startedAt) / 1000);
}
