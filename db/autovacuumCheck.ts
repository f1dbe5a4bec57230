import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../actors/ports.ts';

/**
 * Warns at start-up when the server does not vacuum: every saga step deletes a timer, marks outbox rows published
 * and updates actor state, so without autovacuum dead rows and stale planner statistics grow without bound.
 * `infra up` turns it on for a local server (scripts/services/ensureAutovacuum.ts); a shared one is its owner's call.
 */
export async function warnIfAutovacuumOff(orm: MikroORM, logger: Logger): Promise<void> {
  const [row] = await orm.em
    .fork()
    .execute<{ autovacuum: string }[]>(`select current_setting('autovacuum') as autovacuum`);
  if (row?.autovacuum !== 'on') {
    logger.warn(
      { autovacuum: row?.autovacuum },
      'PostgreSQL autovacuum is off: TrackOps tables will bloat (timers, outbox, actor state); set autovacuum = on',
    );
  }
}
