import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exitCodes.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { runTrackops } from '../support/trackopsCli.ts';

/** The real `trackops` binary against a running system: tables for people, JSON for scripts, documented exit codes. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem({ router: false });
});

afterAll(async () => {
  await sut?.stop();
});

const trackops = (...args: string[]) => runTrackops(sut.trackops.url, args);

describe('the trackops CLI', () => {
  it('prints an order as JSON with --json, and readably by default', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const [json, human, items] = await Promise.all([
      trackops('orders', 'get', id, '--json'),
      trackops('orders', 'get', id),
      trackops('orders', 'items', id),
    ]);
    expect(json.code).toBe(EXIT.ok);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, status: 'PENDING', totalAmount: '57.40' });
    expect(human.code).toBe(EXIT.ok);
    expect(human.stdout).toContain(`order ${id}`);
    expect(human.stdout).toMatch(/status +PENDING/);
    expect(human.stdout).toMatch(/total +57\.40/);
    expect(human.stdout).toContain('Items (2)');
    expect(items.stdout).toMatch(/SKU-CABLE +3 +2\.50 +7\.50/);
  });

  it('lists orders as a table, or a page of JSON', async () => {
    const { id, customerId } = await sut.client.orders.create.mutate(validOrderInput());
    const [table, json] = await Promise.all([
      trackops('orders', 'list', '--customer', customerId),
      trackops('orders', 'list', '--customer', customerId, '--json'),
    ]);
    expect(table.stdout).toMatch(new RegExp(`^ID +STATUS +CUSTOMER +TOTAL +ITEMS +UPDATED\\n${id} +PENDING`));
    expect(JSON.parse(json.stdout)).toMatchObject({ items: [{ id }], nextCursor: null });
  });

  it('exits 3 for an unknown order, 5 for bad input and 2 for a usage error', async () => {
    const missing = await trackops('orders', 'get', crypto.randomUUID());
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain('NOT_FOUND');
    const malformed = await trackops('orders', 'get', 'not-a-uuid');
    expect(malformed.code).toBe(EXIT.badInput);
    expect(malformed.stderr.trim().split('\n')).toHaveLength(1);
    expect((await trackops('orders', 'frobnicate')).code).toBe(EXIT.usage);
    expect((await trackops('orders', 'list', '--limit', 'ten')).code).toBe(EXIT.usage);
  });

  it('reports readiness as a table, or JSON', async () => {
    const [table, json] = await Promise.all([trackops('health'), trackops('health', '--json')]);
    expect(table.code).toBe(EXIT.ok);
    expect(table.stdout).toMatch(/^ready\n/);
    expect(table.stdout).toMatch(/postgres\S* +yes +\d+ ms/i);
    expect(JSON.parse(json.stdout)).toMatchObject({ ready: true });
  });
});
