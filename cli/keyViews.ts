import { formatInstant, formatTime, renderFields, renderTable } from './output.ts';

/**
 * What `trackops keys create|list|revoke` print for people (their `--json` is the API's answer as is). The shapes
 * are those of the admin-only `keys` router; a key's secret appears only in what `keys.create` returns.
 */
export interface ApiKeySummary {
  id: string;
  name: string;
  role: string;
  customerId?: string | null;
  createdAt: string;
  revokedAt?: string | null;
}

export interface CreatedApiKey extends ApiKeySummary {
  /** The whole key, `tko_<id>_<secret>`: shown this once, never stored in clear by the server. */
  key: string;
}

export interface RevokedApiKey {
  id: string;
  revokedAt: string;
}

export const SHOWN_ONLY_NOW =
  'This key is shown only now: store it safely. TrackOps keeps only a hash; `keys list` shows its id, never the key.';

export function renderCreatedKey(created: CreatedApiKey): string {
  return `${renderFields([
    ['key', created.key],
    ['id', created.id],
    ['name', created.name],
    ['role', created.role],
    ['customer', created.customerId],
    ['created', formatInstant(created.createdAt)],
  ])}\n${SHOWN_ONLY_NOW}\n`;
}

export function renderKeys(keys: readonly ApiKeySummary[], now = Date.now()): string {
  return renderTable(
    keys,
    [
      { header: 'id', value: (key) => key.id },
      { header: 'name', value: (key) => key.name, maxWidth: 40 },
      { header: 'role', value: (key) => key.role },
      { header: 'customer', value: (key) => key.customerId },
      { header: 'created', value: (key) => formatTime(key.createdAt, now) },
      { header: 'revoked', value: (key) => formatTime(key.revokedAt, now) },
    ],
    { empty: 'no API keys' },
  );
}

export function renderRevokedKey(revoked: RevokedApiKey): string {
  return `key ${revoked.id} revoked at ${formatInstant(revoked.revokedAt)}\n`;
}
