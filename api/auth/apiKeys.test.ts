import { describe, expect, it } from 'vitest';
import type { ApiKeyStore, NewApiKeyRow } from '../../db/apiKeyStore.ts';
import { createApiKeys, generateApiKey, hashApiKey } from './apiKeys.ts';

/** A store that keeps rows in memory, as api_keys does (hash lookup, revocation). */
function memoryStore() {
  const rows = new Map<string, NewApiKeyRow & { revokedAt: string | null }>();
  const store: Pick<ApiKeyStore, 'findActive' | 'insert' | 'upsert' | 'revoke'> = {
    findActive: async (keyHash) => {
      const row = [...rows.values()].find((r) => r.keyHash === keyHash && r.revokedAt === null);
      return row ? { id: row.id, role: row.role, customerId: row.customerId } : null;
    },
    insert: async (row) => {
      rows.set(row.id, { ...row, revokedAt: null });
      const { keyHash: _hash, ...view } = row;
      return { ...view, createdAt: new Date().toISOString(), revokedAt: null };
    },
    upsert: async (row) => void rows.set(row.id, { ...row, revokedAt: null }),
    revoke: async (id) => {
      const row = rows.get(id);
      if (!row) return null;
      row.revokedAt ??= new Date().toISOString();
      return { id, revokedAt: row.revokedAt };
    },
  };
  return { rows, store: { ...store, list: async () => [] } as ApiKeyStore };
}

describe('API keys', () => {
  it('look like tko_<12 hex>_<43 base64url>, and differ every time', () => {
    const { id, key } = generateApiKey();
    expect(key).toMatch(/^tko_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`tko_${id}_`)).toBe(true);
    expect(generateApiKey().key).not.toBe(key);
  });

  it('are stored as an HMAC under the pepper, never in clear', async () => {
    const { rows, store } = memoryStore();
    const created = await createApiKeys({ store, pepper: 'pepper' }).create({ name: 'svc', role: 'service' });
    const row = rows.get(created.id);
    expect(row?.keyHash).toBe(hashApiKey(created.key, 'pepper'));
    expect(row?.keyHash).not.toBe(hashApiKey(created.key, ''));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(17));
  });

  it('resolve to their principal until revoked; unknown and oversized keys resolve to nothing', async () => {
    const { store } = memoryStore();
    const keys = createApiKeys({ store, pepper: '' });
    const customerId = crypto.randomUUID();
    const created = await keys.create({ name: 'shop', role: 'customer', customerId });
    expect(await keys.authenticate(created.key)).toEqual({ keyId: created.id, role: 'customer', customerId });
    expect(await keys.authenticate(`${created.key}x`)).toBeUndefined();
    expect(await keys.authenticate('x'.repeat(10_000))).toBeUndefined();
    await keys.revoke(created.id);
    expect(await keys.authenticate(created.key)).toBeUndefined();
  });

  it('install the bootstrap admin key, and a new value replaces the old one', async () => {
    const { store } = memoryStore();
    const keys = createApiKeys({ store, pepper: '' });
    await keys.installBootstrapKey('a'.repeat(32));
    expect(await keys.authenticate('a'.repeat(32))).toEqual({ keyId: 'bootstrap', role: 'admin' });
    await keys.installBootstrapKey('b'.repeat(32));
    expect(await keys.authenticate('a'.repeat(32))).toBeUndefined();
    expect(await keys.authenticate('b'.repeat(32))).toEqual({ keyId: 'bootstrap', role: 'admin' });
  });
});
