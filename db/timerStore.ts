import type { MikroORM } from '@mikro-orm/postgresql';
import type { DueTimer, TimerStorePort } from '../actors/ports.ts';
import { pooledQueryFor } from './pooledQuery.ts';

/**
 * TimerStorePort over `actor_timers`. Claiming sets a lease (`claimed_until`) in its own short transaction rather
 * than holding row locks while firing: the firing turn may itself delete the row (it leaves the state), and a lock
 * held across that request would deadlock it.
 */
interface TimerRow {
  actor_type: string;
  actor_id: string;
  timer_id: string;
  event_type: string;
  message_id: string;
  due_at: Date | string;
}

export function createTimerStore(orm: MikroORM): TimerStorePort {
  // Every saga step sets a timer, so these run about once a turn: prepared statements on pooled clients.
  const query = pooledQueryFor(orm);
  return {
    async claimDue(limit, leaseMs) {
      const rows = await query<TimerRow>(
        `update actor_timers t set claimed_until = now() + ($1::float8 * interval '1 millisecond'), attempts = t.attempts + 1
           from (select actor_type, actor_id, timer_id from actor_timers
                  where due_at <= now() and (claimed_until is null or claimed_until < now())
                  order by due_at limit $2::int for update skip locked) due
          where t.actor_type = due.actor_type and t.actor_id = due.actor_id and t.timer_id = due.timer_id
          returning t.actor_type, t.actor_id, t.timer_id, t.event_type, t.message_id, t.due_at`,
        [leaseMs, limit],
      );
      return rows.map((row) => ({
        ref: { type: row.actor_type, id: row.actor_id },
        timerId: row.timer_id,
        eventType: row.event_type,
        messageId: row.message_id,
        dueAt: new Date(row.due_at).toISOString(),
      }));
    },
    async complete(timer: DueTimer) {
      await query(
        'delete from actor_timers where actor_type = $1 and actor_id = $2 and timer_id = $3 and message_id = $4',
        [timer.ref.type, timer.ref.id, timer.timerId, timer.messageId],
      );
    },
    async fail(timer, error, retryInMs) {
      await query(
        `update actor_timers set claimed_until = now() + ($1::float8 * interval '1 millisecond'), last_error = $2
          where actor_type = $3 and actor_id = $4 and timer_id = $5 and message_id = $6`,
        [retryInMs, error.slice(0, 2000), timer.ref.type, timer.ref.id, timer.timerId, timer.messageId],
      );
    },
    async nextDueAt() {
      const [row] = await query<{ next: Date | null }>(
        'select min(greatest(due_at, coalesce(claimed_until, due_at))) as next from actor_timers',
        [],
      );
      return row?.next ? new Date(row.next) : undefined;
    },
  };
}
