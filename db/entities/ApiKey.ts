import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { Role } from '../../api/auth/roles.ts';

/**
 * An API key: its public id, the role it grants and (for `customer` keys) the one customer it acts for. Only an
 * HMAC of the key is kept; the key itself is shown once, when it is created. A revoked key stays, for the record.
 */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    /** The public key id (`tko_<id>_…`), or `bootstrap` for the key from TRACKOPS_ADMIN_KEY. */
    id: p.text().primary(),
    name: p.text(),
    role: p.text().$type<Role>(),
    customerId: p.text().nullable(),
    /** HMAC-SHA256(API_KEY_PEPPER, key), hex: what a presented key is looked up by. */
    keyHash: p.text().unique('api_keys_key_hash_unique'),
    createdAt: p.datetime().defaultRaw('now()'),
    revokedAt: p.datetime().nullable(),
  },
  checks: [
    { name: 'api_keys_role_check', expression: "role in ('admin', 'operator', 'service', 'customer')" },
    {
      name: 'api_keys_customer_id_check',
      expression: "(customer_id is not null) = (role = 'customer')",
    },
  ],
});

export type ApiKeyRow = InferEntity<typeof ApiKey>;
