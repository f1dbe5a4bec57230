import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimerStorePort } from '../../actors/ports.ts';
import { openOrm } from '../../db/orm.ts';
import { createTimerStore } from '../../db/timerStore.ts';
import { query } from '../support/sql.ts';
import { TEST_ENV } from '../support/testConfig.ts';

/**
 * The durable timers' store on the real PostgreSQL: a due timer is claimed once (its lease keeps other nodes off),
 * a failed one comes back after its retry delay with the reason kept, a completed one is gone, and the next due
 * time is what the timer service sleeps until.
 */
let orm: Awaited<ReturnType<typeof openOrm>>;
let store: TimerStorePort;
const actorId = crypto.randomUUID();

beforeAll(async () => {
  orm = await openOrm(TEST_ENV.DATABASE_URL);
  store = createTimerStore(orm);
  // Other files' timers must not be claimed here: this file works on a table of its own timers only.
  await query(orm, 'delete from actor_timers');
});

afterAll(async () => {
  await query(orm, 'delete from actor_timers where actor_id = ?', [actorId]);
  await orm.close();
});

async function setTimer(timerId: string, dueInMs: number): Promise<void> {
  await query(
    orm,
    `insert into actor_timers (actor_type, actor_id, timer_id, event_type, due_at, message_id)
     values ('orderSaga', ?, ?, 'xstate.after.stepTimeout', now() + (? * interval '1 millisecond'), ?)`,
    [actorId, timerId, dueInMs, `${timerId}:message`],
  );
}

describe('when timers are due', () => {
  it('then each is claimed once, a failed one returns after its delay with the reason, a completed one is gone', async () => {
    await setTimer('due', -1000);
    await setTimer('later', 60_000);

    const claimed = await store.claimDue(10, 30_000);
    expect(claimed.map((timer) => timer.timerId)).toEqual(['due']);
    expect(claimed[0]).toMatchObject({
      ref: { type: 'orderSaga', id: actorId },
      eventType: 'xstate.after.stepTimeout',
      messageId: 'due:message',
    });
    // Claimed: nobody else gets it while the lease lasts.
    expect(await store.claimDue(10, 30_000)).toEqual([]);

    const [timer] = claimed;
    if (!timer) throw new Error('no timer claimed');
    await store.fail(timer, 'no runtime node answered', -1);
    const [failed] = await query<{ last_error: string; attempts: number }>(
      orm,
      "select last_error, attempts from actor_timers where actor_id = ? and timer_id = 'due'",
      [actorId],
    );
    expect(failed).toEqual({ last_error: 'no runtime node answered', attempts: 1 });
    expect((await store.claimDue(10, 30_000)).map((again) => again.timerId)).toEqual(['due']);

    await store.complete(timer);
    const left = await query<{ timer_id: string }>(
      orm,
      'select timer_id from actor_timers where actor_id = ?',
      [actorId],
    );
    expect(left).toEqual([{ timer_id: 'later' }]);

    const next = await store.nextDueAt();
    expect(next).toBeInstanceOf(Date);
    expect((next as Date).getTime()).toBeGreaterThan(Date.now() + 50_000);
  });
});
