import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';

/**
 * Runs one parameterised statement on a pg client borrowed from the ORM's own pool, for the hot paths (an actor's
 * turn and activation): no query builder, no hydration, no identity map. Errors come back converted to MikroORM's
 * driver exceptions, so callers classify them the same way as the ORM's own.
 */
export type PooledQuery = <Row extends pg.QueryResultRow>(text: string, values: unknown[]) => Promise<Row[]>;

function createPooledQuery(orm: MikroORM): PooledQuery {
  const withClient = createPooledClient(orm);
  // Each distinct text is a named prepared statement: PostgreSQL parses and plans it once per connection, not on
  // every turn. The texts come from a handful of turn shapes, so the names stay few.
  const names = new Map<string, string>();
  const nameOf = (text: string): string => {
    let name = names.get(text);
    if (name === undefined) {
      name = `trackops_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    return name;
  };
  return async (text, values) => {
    try {
      return await withClient(
        async (client) => (await client.query({ name: nameOf(text), text, values })).rows,
      );
    } catch (error) {
      throw orm.em.getDriver().convertException(error as Error);
    }
  };
}

const sharedQueries = new WeakMap<MikroORM, PooledQuery>();

/** The pooled query of `orm`: one per ORM, so each statement text is named (and prepared) under one name. */
export function pooledQueryFor(orm: MikroORM): PooledQuery {
  let query = sharedQueries.get(orm);
  if (!query) {
    query = createPooledQuery(orm);
    sharedQueries.set(orm, query);
  }
  return query;
}

/** Lends `work` a pg client from the ORM's pool for as long as it runs (a transaction of its own statements, say). */
export type PooledClient = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

export function createPooledClient(orm: MikroORM): PooledClient {
  const knex = orm.em.getConnection().getKnex();
  return async (work) => {
    const client = (await knex.client.acquireConnection()) as pg.PoolClient;
    try {
      return await work(client);
    } finally {
      knex.client.releaseConnection(client);
    }
  };
}
