import { formatRef } from '../envelope.ts';
import type { DueTimer, TimerStorePort } from '../ports.ts';

/** The in-memory twin of db/timerStore.ts, with a clock the test sets. */
export interface MemoryTimerStore extends TimerStorePort {
  add(timer: DueTimer): void;
  readonly timers: Map<string, DueTimer & { claimedUntil?: number; lastError?: string }>;
  now: number;
}

export function createMemoryTimerStore(now = Date.parse('2026-01-01T00:00:00Z')): MemoryTimerStore {
  const timers = new Map<string, DueTimer & { claimedUntil?: number; lastError?: string }>();
  const keyOf = (timer: DueTimer) => `${formatRef(timer.ref)}#${timer.timerId}`;
  const store: MemoryTimerStore = {
    timers,
    now,
    add: (timer) => void timers.set(keyOf(timer), { ...timer }),
    async claimDue(limit, leaseMs) {
      const due = [...timers.values()]
        .filter((timer) => Date.parse(timer.dueAt) <= store.now && (timer.claimedUntil ?? 0) < store.now)
        .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))
        .slice(0, limit);
      for (const timer of due) timer.claimedUntil = store.now + leaseMs;
      return due.map(({ claimedUntil: _claimed, lastError: _error, ...timer }) => timer);
    },
    async complete(timer) {
      if (timers.get(keyOf(timer))?.messageId === timer.messageId) timers.delete(keyOf(timer));
    },
    async fail(timer, error, retryInMs) {
      const stored = timers.get(keyOf(timer));
      if (stored?.messageId !== timer.messageId) return;
      stored.claimedUntil = store.now + retryInMs;
      stored.lastError = error;
    },
    async nextDueAt() {
      const dues = [...timers.values()].map((timer) =>
        Math.max(Date.parse(timer.dueAt), timer.claimedUntil ?? 0),
      );
      return dues.length === 0 ? undefined : new Date(Math.min(...dues));
    },
  };
  return store;
}
