import type { MikroORM } from '@mikro-orm/postgresql';

/** Runs a read-only SQL query for assertions; the caller names the row shape it expects. */
export async function query<TRow>(orm: MikroORM, sql: string, params: unknown[] = []): Promise<TRow[]> {
  return (await orm.em.fork().execute(sql, params)) as TRow[];
}

export async function queryOne<TRow>(orm: MikroORM, sql: string, params: unknown[] = []): Promise<TRow> {
  const [row] = await query<TRow>(orm, sql, params);
  if (row === undefined) throw new Error(`no row for: ${sql}`);
  return row;
}
