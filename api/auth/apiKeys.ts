import { createHmac, randomBytes } from 'node:crypto';
import type { ApiKeyStore, ApiKeyView } from '../../db/apiKeyStore.ts';
import type { Authenticator } from './authenticator.ts';
import type { Principal, Role } from './roles.ts';

/**
 * API keys: `tko_<id>_<secret>`, with a public 12-hex-digit id (what lists, logs and the rate limiter name) and a
 * 256-bit random secret. Only HMAC-SHA256(API_KEY_PEPPER, key) is stored, so a copy of the table does not hold a
 * usable key. A presented key is hashed and looked up (one indexed query, no cache): a revoked key is refused on
 * the very next call, on every node.
 */
export const BOOTSTRAP_KEY_ID = 'bootstrap';
/** Longer presented keys are refused without a query (a generated key has 61 characters). */
const MAX_KEY_LENGTH = 512;

export const hashApiKey = (key: string, pepper: string): string =>
  createHmac('sha256', pepper).update(key, 'utf8').digest('hex');

/** A new key and its public id. */
export function generateApiKey(): { id: string; key: string } {
  const id = randomBytes(6).toString('hex');
  return { id, key: `tko_${id}_${randomBytes(32).toString('base64url')}` };
}

export interface NewApiKey {
  name: string;
  role: Role;
  /** Required for (and only for) the `customer` role. */
  customerId?: string | undefined;
}

/** The created key: the only time its secret is shown. */
export type CreatedApiKey = Omit<ApiKeyView, 'revokedAt'> & { key: string };

export interface ApiKeys extends Authenticator {
  create(key: NewApiKey): Promise<CreatedApiKey>;
  list(): Promise<ApiKeyView[]>;
  revoke(id: string): Promise<{ id: string; revokedAt: string } | null>;
  /** Makes `key` the bootstrap admin key (TRACKOPS_ADMIN_KEY): a new value replaces the old one. */
  installBootstrapKey(key: string): Promise<void>;
}

export function createApiKeys(options: { store: ApiKeyStore; pepper: string }): ApiKeys {
  const { store, pepper } = options;
  return {
    async authenticate(presentedKey: string): Promise<Principal | undefined> {
      if (presentedKey.length === 0 || presentedKey.length > MAX_KEY_LENGTH) return undefined;
      const found = await store.findActive(hashApiKey(presentedKey, pepper));
      if (!found) return undefined;
      return {
        keyId: found.id,
        role: found.role,
        ...(found.customerId === null ? {} : { customerId: found.customerId }),
      };
    },

    async create({ name, role, customerId }: NewApiKey): Promise<CreatedApiKey> {
      const { id, key } = generateApiKey();
      const { revokedAt: _never, ...view } = await store.insert({
        id,
        name,
        role,
        customerId: role === 'customer' ? (customerId ?? null) : null,
        keyHash: hashApiKey(key, pepper),
      });
      return { ...view, key };
    },

    list: () => store.list(),
    revoke: (id) => store.revoke(id),

    installBootstrapKey: (key) =>
      store.upsert({
        id: BOOTSTRAP_KEY_ID,
        name: 'bootstrap admin (TRACKOPS_ADMIN_KEY)',
        role: 'admin',
        customerId: null,
        keyHash: hashApiKey(key, pepper),
      }),
  };
}
