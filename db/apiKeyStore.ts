import type { MikroORM } from '@mikro-orm/postgresql';
import { type Role, roleSchema } from '../api/auth/roles.ts';
import { pooledQueryFor } from './pooledQuery.ts';

/**
 * The SQL of `api_keys`. It stores and finds keys by their hash only: hashing and key formats are the caller's
 * (api/auth/apiKeys.ts). There is no cache: a presented key is one indexed query, so a revocation holds on every
 * node from the next call on.
 */
export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  customerId: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface NewApiKeyRow {
  id: string;
  name: string;
  role: Role;
  customerId: string | null;
  keyHash: string;
}

interface KeyRow {
  id: string;
  name: string;
  role: string;
  customer_id: string | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const COLUMNS = 'id, name, role, customer_id, created_at, revoked_at';

export function createApiKeyStore(orm: MikroORM) {
  const execute = <TRow>(sql: string, params: unknown[]) =>
    orm.em.getConnection().execute<TRow[]>(sql, params);
  // Every API call looks its key up: a prepared statement, not a query built and escaped each time.
  const query = pooledQueryFor(orm);
  return {
    /** The active (unrevoked) key with this hash. */
    async findActive(keyHash: string): Promise<{ id: string; role: Role; customerId: string | null } | null> {
      const [row] = await query<{ id: string; role: string; customer_id: string | null }>(
        'select id, role, customer_id from api_keys where key_hash = $1 and revoked_at is null',
        [keyHash],
      );
      if (!row) return null;
      const role = roleSchema.safeParse(row.role);
      return role.success ? { id: row.id, role: role.data, customerId: row.customer_id } : null;
    },

    async insert(key: NewApiKeyRow): Promise<ApiKeyView> {
      const [row] = await execute<KeyRow>(
        `insert into api_keys (id, name, role, customer_id, key_hash) values (?, ?, ?, ?, ?) returning ${COLUMNS}`,
        [key.id, key.name, key.role, key.customerId, key.keyHash],
      );
      if (!row) throw new Error(`api key ${key.id} was not inserted`);
      return toView(row);
    },

    /** Inserts the key, or replaces the one with its id (new hash, name and role; no longer revoked). */
    async upsert(key: NewApiKeyRow): Promise<void> {
      await execute(
        `insert into api_keys (id, name, role, customer_id, key_hash) values (?, ?, ?, ?, ?)
         on conflict (id) do update
           set name = excluded.name, role = excluded.role, customer_id = excluded.customer_id,
               key_hash = excluded.key_hash, revoked_at = null`,
        [key.id, key.name, key.role, key.customerId, key.keyHash],
      );
    },

    /** Every key, newest first, revoked ones included; never a hash. */
    async list(): Promise<ApiKeyView[]> {
      const rows = await execute<KeyRow>(`select ${COLUMNS} from api_keys order by created_at desc, id`, []);
      return rows.map(toView);
    },

    /** Revokes the key (a revoked key keeps its first revocation time); null when no key has this id. */
    async revoke(id: string): Promise<{ id: string; revokedAt: string } | null> {
      const [row] = await execute<{ id: string; revoked_at: Date | string }>(
        'update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ? returning id, revoked_at',
        [id],
      );
      return row ? { id: row.id, revokedAt: isoTime(row.revoked_at) } : null;
    },
  };
}

export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;

const isoTime = (value: Date | string): string => new Date(value).toISOString();

function toView(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: roleSchema.parse(row.role),
    customerId: row.customer_id,
    createdAt: isoTime(row.created_at),
    revokedAt: row.revoked_at === null ? null : isoTime(row.revoked_at),
  };
}
