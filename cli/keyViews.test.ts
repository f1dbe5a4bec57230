import { describe, expect, it } from 'vitest';
import { renderCreatedKey, renderKeys, renderRevokedKey, SHOWN_ONLY_NOW } from './keyViews.ts';

const now = Date.parse('2026-05-01T12:10:00Z');

describe('key views', () => {
  it('prints a created key once, with the line saying it is shown only now', () => {
    const text = renderCreatedKey({
      id: 'k1',
      key: 'tko_k1_secret',
      name: 'ops: alice',
      role: 'operator',
      customerId: null,
      createdAt: '2026-05-01T12:00:00.000Z',
    });
    expect(text).toMatch(/^key +tko_k1_secret\nid +k1\nname +ops: alice\nrole +operator\ncustomer +-\n/);
    expect(text).toContain('created   2026-05-01 12:00:00Z');
    expect(text.trimEnd().endsWith(SHOWN_ONLY_NOW)).toBe(true);
  });

  it('lists keys as a table with their customer and revocation', () => {
    const text = renderKeys(
      [
        { id: 'k1', name: 'ops', role: 'operator', createdAt: '2026-05-01T12:00:00.000Z', revokedAt: null },
        {
          id: 'k2',
          name: 'shop',
          role: 'customer',
          customerId: 'c-1',
          createdAt: '2026-05-01T12:00:00.000Z',
          revokedAt: '2026-05-01T12:05:00.000Z',
        },
      ],
      now,
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +ROLE +CUSTOMER +CREATED +REVOKED$/);
    expect(lines[1]).toMatch(/^k1 +ops +operator +- +2026-05-01 12:00:00Z \(10m ago\) +-$/);
    expect(lines[2]).toMatch(
      /^k2 +shop +customer +c-1 +2026-05-01 12:00:00Z \(10m ago\) +2026-05-01 12:05:00Z \(5m ago\)$/,
    );
    expect(renderKeys([], now)).toBe('no API keys\n');
  });

  it('says which key was revoked, and when', () => {
    expect(renderRevokedKey({ id: 'k1', revokedAt: '2026-05-01T12:05:00.000Z' })).toBe(
      'key k1 revoked at 2026-05-01 12:05:00Z\n',
    );
  });
});
