import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig } from './mikro-orm.config.ts';

/** Connects once per process (or per test file); callers fork `orm.em` per unit of work and close on shutdown. */
export function openOrm(databaseUrl: string): Promise<MikroORM> {
  return MikroORM.init(createOrmConfig(databaseUrl));
}
