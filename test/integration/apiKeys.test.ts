import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeys } from '../../api/auth/apiKeys.ts';
import { createTrackOpsClient } from '../../api/client.ts';
import { createApiKeyStore } from '../../db/apiKeyStore.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { query } from '../support/sql.ts';
import { TEST_ADMIN_KEY } from '../support/testConfig.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * API keys (issue 7): created by an admin (the secret shown once, stored only as a hash), listed without secrets,
 * revoked with effect on the very next call on every node (and on its open subscriptions within seconds). Over raw HTTP: 401 without a key or with a bad one,
 * 403 for a role without the right; `x-api-key` works as well as the bearer token; the health probes and (unless
 * METRICS_REQUIRE_KEY) /metrics need no key.
 */
let sut: TestSystem;
/** A second node on the same database (API only), with METRICS_REQUIRE_KEY=true. */
let other: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem(ORDER_ACTOR_ONLY);
  other = await startTestSystem({
    actors: false,
    router: false,
    relay: false,
    timers: false,
    env: { METRICS_REQUIRE_KEY: 'true', NODE_ID: 'keys-second-node' },
  });
});

afterAll(async () => {
  await other?.stop();
  await sut?.stop();
});

const codeOf = (error: unknown) =>
  error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;

/** A raw tRPC query over HTTP (GET), with the given headers: the status and the error code, if any. */
async function rawQuery(baseUrl: string, procedure: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/trpc/${procedure}`, { headers });
  const body = (await response.json()) as { error?: { message: string; data?: { code?: string } } };
  return {
    status: response.status,
    code: body.error?.data?.code ?? 'ok',
    message: body.error?.message,
    wwwAuthenticate: response.headers.get('www-authenticate'),
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('when an admin creates keys', () => {
  it('then each comes back once with its secret, and the list never shows a secret or a hash', async () => {
    const customerId = crypto.randomUUID();
    const created = await Promise.all([
      sut.client.keys.create.mutate({ name: 'ops: alice', role: 'operator' }),
      sut.client.keys.create.mutate({ name: 'billing service', role: 'service' }),
      sut.client.keys.create.mutate({ name: 'shop front 🛒', role: 'customer', customerId }),
      sut.client.keys.create.mutate({ name: 'second admin', role: 'admin' }),
    ]);
    for (const key of created) {
      expect(key.key).toMatch(new RegExp(`^tko_${key.id}_[A-Za-z0-9_-]{43}$`));
      expect(Date.parse(key.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(created.map(({ name, role, customerId }) => ({ name, role, customerId }))).toEqual([
      { name: 'ops: alice', role: 'operator', customerId: null },
      { name: 'billing service', role: 'service', customerId: null },
      { name: 'shop front 🛒', role: 'customer', customerId },
      { name: 'second admin', role: 'admin', customerId: null },
    ]);

    const list = await sut.client.keys.list.query();
    const listed = JSON.stringify(list);
    for (const key of created) {
      expect(listed).not.toContain(key.key.slice(`tko_${key.id}_`.length));
      const { key: _secret, ...view } = key;
      expect(list).toContainEqual({ ...view, revokedAt: null });
    }
    expect(Object.keys(list[0] ?? {}).sort()).toEqual([
      'createdAt',
      'customerId',
      'id',
      'name',
      'revokedAt',
      'role',
    ]);
    expect(list).toContainEqual(expect.objectContaining({ id: 'bootstrap', role: 'admin', revokedAt: null }));

    const stored = await query<{ key_hash: string }>(sut.trackops.orm, 'select key_hash from api_keys');
    for (const key of created) expect(stored.map((row) => row.key_hash)).not.toContain(key.key);
  });

  it('then a customer key needs a customerId, and only a customer key may have one', async () => {
    const refused = [
      sut.client.keys.create.mutate({ name: 'no customer', role: 'customer' }),
      sut.client.keys.create.mutate({ name: 'svc', role: 'service', customerId: crypto.randomUUID() }),
      sut.client.keys.create.mutate({ name: 'not a uuid', role: 'customer', customerId: 'c-1' }),
      sut.client.keys.create.mutate({ name: '', role: 'operator' }),
      sut.client.keys.create.mutate({ name: 'x'.repeat(101), role: 'operator' }),
      sut.client.keys.create.mutate({ name: 'nul \u0000', role: 'operator' }),
    ];
    for (const call of refused) await expect(call).rejects.toSatisfy((e) => codeOf(e) === 'BAD_REQUEST');
  });
});

describe('when a key is revoked', () => {
  it('then the very next call with it is refused, on this node and on another', async () => {
    const { id, key } = await sut.client.keys.create.mutate({ name: 'to revoke', role: 'service' });
    const here = createTrackOpsClient(sut.trackops.url, { apiKey: key });
    const there = createTrackOpsClient(other.trackops.url, { apiKey: key });
    await here.orders.list.query({ limit: 1 });
    await there.orders.list.query({ limit: 1 });

    const revoked = await sut.client.keys.revoke.mutate({ id });
    expect(revoked).toEqual({ id, revokedAt: expect.any(String) });

    for (const client of [here, there]) {
      await expect(client.orders.list.query({ limit: 1 })).rejects.toSatisfy(
        (e) => codeOf(e) === 'UNAUTHORIZED',
      );
    }
    expect(await rawQuery(other.trackops.url, 'orders.list', bearer(key))).toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
      message: 'the API key is not valid',
    });
    const listed = (await sut.client.keys.list.query()).find((view) => view.id === id);
    expect(listed?.revokedAt).toBe(revoked.revokedAt);
  });

  it('then a subscription it opened ends with UNAUTHORIZED within seconds', async () => {
    const { id, key } = await sut.client.keys.create.mutate({ name: 'watcher', role: 'operator' });
    const order = await sut.client.orders.create.mutate(validOrderInput());
    const events: unknown[] = [];
    let ended: unknown;
    const subscription = createTrackOpsClient(sut.trackops.url, { apiKey: key }).actors.watch.subscribe(
      { type: 'order', id: order.id },
      { onData: (event) => events.push(event), onError: (error) => (ended = error) },
    );
    try {
      await waitFor(() => events.length > 0, { what: 'the current state streamed' });
      await sut.client.keys.revoke.mutate({ id });
      await waitFor(() => ended !== undefined, { what: 'the stream to end', timeoutMs: 15_000 });
      expect(codeOf(ended)).toBe('UNAUTHORIZED');
    } finally {
      subscription.unsubscribe();
    }
  });

  it('then revoking it again answers the same, and an unknown id is NOT_FOUND', async () => {
    const { id } = await sut.client.keys.create.mutate({ name: 'twice', role: 'operator' });
    const first = await sut.client.keys.revoke.mutate({ id });
    expect(await sut.client.keys.revoke.mutate({ id })).toEqual(first);
    await expect(sut.client.keys.revoke.mutate({ id: 'no-such-key' })).rejects.toSatisfy(
      (e) => codeOf(e) === 'NOT_FOUND',
    );
  });
});

describe('when a call comes over raw HTTP', () => {
  it('then no key, an unknown key and a malformed header are 401 UNAUTHORIZED, with WWW-Authenticate', async () => {
    const url = sut.trackops.url;
    expect(await rawQuery(url, 'orders.list')).toEqual({
      status: 401,
      code: 'UNAUTHORIZED',
      message: 'an API key is required',
      wwwAuthenticate: 'Bearer',
    });
    for (const headers of [
      bearer('tko_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
      bearer(`${TEST_ADMIN_KEY}x`),
      { 'x-api-key': 'not-a-key' },
    ]) {
      expect(await rawQuery(url, 'orders.list', headers)).toMatchObject({
        status: 401,
        code: 'UNAUTHORIZED',
        message: 'the API key is not valid',
      });
    }
    expect(await rawQuery(url, 'orders.list', { authorization: `Basic ${TEST_ADMIN_KEY}` })).toMatchObject({
      status: 401,
      message: 'an API key is required',
    });
  });

  it('then a role without the right is 403 FORBIDDEN, naming the role and the procedure', async () => {
    const { key } = await sut.client.keys.create.mutate({ name: 'svc', role: 'service' });
    expect(await rawQuery(sut.trackops.url, 'keys.list', bearer(key))).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      message: 'role service may not call keys.list',
    });
  });

  it('then the key is taken from x-api-key, or from the session cookie, as from the bearer token', async () => {
    const { key } = await sut.client.keys.create.mutate({ name: 'header user', role: 'operator' });
    const url = sut.trackops.url;
    expect(await rawQuery(url, 'machines.list', { 'x-api-key': key })).toMatchObject({ status: 200 });
    expect(await rawQuery(url, 'machines.list', { cookie: `a=b; trackops_api_key=${key}` })).toMatchObject({
      status: 200,
    });
  });

  it('then a batch of calls is judged call by call', async () => {
    const { key } = await sut.client.keys.create.mutate({ name: 'batch', role: 'service' });
    const response = await fetch(`${sut.trackops.url}/trpc/orders.list,keys.list?batch=1&input={}`, {
      headers: bearer(key),
    });
    const body = (await response.json()) as { result?: unknown; error?: { data: { code: string } } }[];
    expect(body.map((answer) => answer.error?.data.code ?? 'ok')).toEqual(['ok', 'FORBIDDEN']);
  });

  it('then the health probes and the tRPC health procedures need no key', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      expect((await fetch(`${sut.trackops.url}${path}`)).status).toBe(200);
    }
    expect(await rawQuery(sut.trackops.url, 'health.live')).toMatchObject({ status: 200, code: 'ok' });
    expect(await rawQuery(sut.trackops.url, 'health.ready', bearer('wrong'))).toMatchObject({ status: 200 });
  });
});

describe('when /metrics is scraped', () => {
  it('then it needs no key by default', async () => {
    const response = await fetch(`${sut.trackops.url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('trackops_');
  });

  it('then with METRICS_REQUIRE_KEY it needs a valid key of any role', async () => {
    const metrics = (headers: Record<string, string> = {}) =>
      fetch(`${other.trackops.url}/metrics`, { headers });
    const none = await metrics();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await metrics(bearer('tko_000000000000_nope'))).status).toBe(401);
    const customer = await sut.client.keys.create.mutate({
      name: 'scraper',
      role: 'customer',
      customerId: crypto.randomUUID(),
    });
    const scraped = await metrics({ 'x-api-key': customer.key });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('trackops_');
    expect((await fetch(`${other.trackops.url}/health/live`)).status).toBe(200);
  });
});

describe('when TRACKOPS_ADMIN_KEY changes', () => {
  it('then the bootstrap admin key is rotated: the old value is refused, the new one works', async () => {
    const keys = createApiKeys({
      store: createApiKeyStore(sut.trackops.orm),
      pepper: sut.config.API_KEY_PEPPER,
    });
    const rotated = `rotated-admin-key-${crypto.randomUUID()}`;
    try {
      await keys.installBootstrapKey(rotated);
      expect(await rawQuery(sut.trackops.url, 'keys.list', bearer(TEST_ADMIN_KEY))).toMatchObject({
        status: 401,
      });
      expect(await rawQuery(sut.trackops.url, 'keys.list', bearer(rotated))).toMatchObject({ status: 200 });
    } finally {
      await keys.installBootstrapKey(TEST_ADMIN_KEY);
    }
    await expect(sut.client.orders.create.mutate(validOrderInput())).resolves.toMatchObject({
      status: 'PENDING',
    });
  });
});
