import type { ActorRef } from './envelope.ts';

/**
 * Durable timers. XState does not bring `after` delays back from a persisted snapshot (statelyai/xstate#5331), so
 * the runtime owns them: a delayed `xstate.raise` returned by `transition()` becomes a stored timer written with
 * the turn, an `xstate.cancel` deletes it, and when it is due the event is delivered as an ordinary message.
 */
export interface TimerToSet {
  /** XState's send id: re-entering the state reuses it, so a new timer replaces the old one. */
  readonly timerId: string;
  /** The delayed event's type, e.g. `xstate.after.stepTimeout.orderSaga.reserving`. */
  readonly eventType: string;
  readonly dueAt: string;
  /** The id of the message that fires it: unique per scheduling, so a redelivered firing is applied once. */
  readonly messageId: string;
}

export interface TimerChanges {
  readonly set: readonly TimerToSet[];
  readonly cancel: readonly string[];
}

export const NO_TIMER_CHANGES: TimerChanges = { set: [], cancel: [] };

export const isTimerEvent = (type: string): boolean => type.startsWith('xstate.after.');

interface ActionLike {
  readonly type: string;
  readonly params?: unknown;
}

interface DelayedRaise {
  event: { type: string };
  id?: string;
  delay?: number;
}

/** Reads the timer changes of one turn from the actions `transition()` returned. */
export function timerChanges(
  actions: readonly ActionLike[],
  turn: { ref: ActorRef; version: number; now: string },
): TimerChanges {
  const set = new Map<string, TimerToSet>();
  const cancel = new Set<string>();
  for (const action of actions) {
    if (action.type === 'xstate.raise') {
      const params = action.params as DelayedRaise;
      if (typeof params.delay !== 'number') continue; // an immediate raise is handled inside the transition
      const timerId = params.id ?? params.event.type;
      cancel.delete(timerId);
      set.set(timerId, {
        timerId,
        eventType: params.event.type,
        dueAt: new Date(Date.parse(turn.now) + params.delay).toISOString(),
        messageId: `timer:${turn.ref.type}:${turn.ref.id}:${timerId}:${turn.version}`,
      });
    } else if (action.type === 'xstate.cancel') {
      const sendId = (action.params as { sendId: string }).sendId;
      set.delete(sendId);
      cancel.add(sendId);
    }
  }
  return { set: [...set.values()], cancel: [...cancel] };
}
