import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';

/**
 * Runs one parameterised statement on a pg client borrowed from the ORM's own pool, for the hot paths (an actor's
 * turn and activation): no query builder, no hydration, no identity map. Errors come back converted to MikroORM's
 * driver exceptions, so callers classify them the same way as the ORM's own.
 */
export type PooledQuery = <Row extends pg.QueryResultRow>(text: string, values: unknown[]) => Promise<Row[]>;

export function createPooledQuery(orm: MikroORM): PooledQuery {
  const knex = orm.em.getConnection().getKnex();
  return async (text, values) => {
    const client = (await knex.client.acquireConnection()) as pg.PoolClient;
    try {
      return (await client.query({ text, values })).rows;
    } catch (error) {
      throw orm.em.getDriver().convertException(error as Error);
    } finally {
      knex.client.releaseConnection(client);
    }
  };
}
