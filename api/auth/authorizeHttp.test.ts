import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../actors/ports.ts';
import type { ApiDependencies } from '../context.ts';
import { createMetrics } from '../metrics.ts';
import type { RateDecision } from '../rateLimit/rateLimiter.ts';
import { type ApiServer, startApiServer } from '../server.ts';
import type { Principal } from './roles.ts';

/**
 * The API's refusals as an HTTP client sees them, with no services behind it (a key store and a rate limiter in
 * memory, procedures that need neither): 401 with WWW-Authenticate, 403, and 429 with Retry-After and
 * `data.retryAfterSeconds`; each refused call counted in the request metric under its code.
 */
const KEYS: Record<string, Principal> = {
  'operator-key': { keyId: 'op1', role: 'operator' },
  'limited-key': { keyId: 'lim1', role: 'operator' },
};
const decisions: Record<string, RateDecision> = {
  op1: { allowed: true },
  lim1: { allowed: false, retryAfterMs: 1200 },
};

let server: ApiServer;
const metrics = createMetrics('auth-http-test');

beforeAll(async () => {
  const deps = {
    auth: { authenticate: async (key: string) => KEYS[key] },
    rateLimiter: {
      consume: async (principal: Principal) => decisions[principal.keyId] ?? { allowed: true },
      status: async () => ({ redis: 'up', failMode: 'open' }),
      close: async () => {},
    },
    readinessChecks: {},
    observeProcedure: ({ procedure, type, code, seconds }) =>
      metrics.trpcDuration.observe({ procedure, type, code }, seconds),
  } as Partial<ApiDependencies> as ApiDependencies;
  server = await startApiServer({ deps, metrics, logger: silentLogger, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
});

async function call(procedure: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/trpc/${procedure}`, { headers });
  const body = (await response.json()) as {
    error?: { message: string; data: { code: string; httpStatus: number; retryAfterSeconds: number | null } };
  };
  return { response, error: body.error };
}

describe('over HTTP', () => {
  it('a call without a valid key is 401 with WWW-Authenticate: Bearer', async () => {
    const { response, error } = await call('machines.list', { authorization: 'Bearer nope' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(error?.data.code).toBe('UNAUTHORIZED');
  });

  it('a role without the right is 403', async () => {
    const { response, error } = await call('keys.list', { 'x-api-key': 'operator-key' });
    expect(response.status).toBe(403);
    expect(error?.message).toBe('role operator may not call keys.list');
  });

  it('a key over its rate limit is 429 with Retry-After in whole seconds and data.retryAfterSeconds', async () => {
    const { response, error } = await call('machines.list', { 'x-api-key': 'limited-key' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(error?.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 2 });
    const allowed = await call('machines.list', { 'x-api-key': 'operator-key' });
    expect(allowed.response.status).toBe(200);
    expect(allowed.response.headers.get('retry-after')).toBeNull();
  });

  it('refused calls are counted in the request metric under their code', async () => {
    const page = await metrics.registry.metrics();
    for (const code of ['UNAUTHORIZED', 'FORBIDDEN', 'TOO_MANY_REQUESTS', 'ok']) {
      expect(page).toMatch(
        new RegExp(`trackops_trpc_request_duration_seconds_count\\{[^}]*code="${code}"[^}]*\\} [1-9]`),
      );
    }
  });

  it('the health probes answer without a key', async () => {
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    expect((await call('health.live')).response.status).toBe(200);
  });
});
