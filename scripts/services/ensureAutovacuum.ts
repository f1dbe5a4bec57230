import pg from 'pg';
import { maintenanceUrl } from './ensureDatabases.ts';

/**
 * What `infra up` found of the server's autovacuum: `on`, `turned-on` (it was off and this superuser turned it on,
 * for the whole server, with ALTER SYSTEM), or `off` (off, and this role may not change it).
 */
export type AutovacuumState = 'on' | 'turned-on' | 'off';

/**
 * Some machines ship PostgreSQL with autovacuum off. TrackOps churns rows on every saga step (timers deleted,
 * outbox rows marked published, actor state updated), so without it the dead rows and stale planner statistics
 * only grow: a 20-minute benchmark left 168,000 dead rows under 93 live timers, scanned once a saga.
 */
export async function ensureAutovacuum(databaseUrl: string): Promise<AutovacuumState> {
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl) });
  await client.connect();
  try {
    const { rows } = await client.query<{ autovacuum: string; superuser: boolean }>(
      `select current_setting('autovacuum') as autovacuum,
              (select rolsuper from pg_roles where rolname = current_user) as superuser`,
    );
    const [row] = rows;
    if (row?.autovacuum === 'on') return 'on';
    if (!row?.superuser) return 'off';
    await client.query('alter system set autovacuum = on');
    await client.query('select pg_reload_conf()');
    return 'turned-on';
  } finally {
    await client.end();
  }
}
