import type { EntityManager } from '@mikro-orm/postgresql';
import type { Turn } from '../actors/ports.ts';

/** Channel a turn notifies when it sets a timer, so the timer service re-plans its next wake-up at once. */
export const TIMER_CHANNEL = 'trackops_timers';

/**
 * Applies a turn's timer changes inside its transaction. A timer set again (the state re-entered) replaces the
 * old one, clearing its claim, so it fires once, at its new due time, under its new message id.
 */
export async function writeTimers(em: EntityManager, turn: Turn): Promise<void> {
  const { ref, timers } = turn;
  if (timers.cancel.length > 0) {
    await em.execute(
      `delete from actor_timers where actor_type = ? and actor_id = ? and timer_id in (${timers.cancel.map(() => '?').join(', ')})`,
      [ref.type, ref.id, ...timers.cancel],
    );
  }
  for (const timer of timers.set) {
    await em.execute(
      `insert into actor_timers (actor_type, actor_id, timer_id, event_type, due_at, message_id)
       values (?, ?, ?, ?, ?, ?)
       on conflict (actor_type, actor_id, timer_id) do update
         set event_type = excluded.event_type, due_at = excluded.due_at, message_id = excluded.message_id,
             claimed_until = null, attempts = 0, last_error = null`,
      [ref.type, ref.id, timer.timerId, timer.eventType, timer.dueAt, timer.messageId],
    );
  }
  if (timers.set.length > 0) await em.execute(`select pg_notify(?, '')`, [TIMER_CHANNEL]);
}
