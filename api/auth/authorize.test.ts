import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import type { ApiDependencies, Context } from '../context.ts';
import type { RateDecision } from '../rateLimit/rateLimiter.ts';
import { authorizeCall, customerScope, RateLimitedError } from './authorize.ts';
import type { Principal } from './roles.ts';

function contextOf(parts: Partial<Context> & { decision?: RateDecision }) {
  const headers = new Map<string, string>();
  const { decision, ...rest } = parts;
  const rateLimiter = decision ? { consume: async () => decision } : undefined;
  const ctx = {
    deps: { rateLimiter } as unknown as ApiDependencies,
    correlationId: 'c',
    setHeader: (name: string, value: string) => void headers.set(name, value),
    ...rest,
  } as Context;
  return { ctx, headers };
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
};

const operator: Principal = { keyId: 'k1', role: 'operator' };

describe('authorizeCall', () => {
  it('refuses a call without a key, or with a bad one, as UNAUTHORIZED (with WWW-Authenticate)', async () => {
    const missing = contextOf({ keyProblem: 'missing' });
    expect(await refusal(authorizeCall(missing.ctx, 'orders.get'))).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'an API key is required',
    });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const invalid = contextOf({ keyProblem: 'invalid' });
    expect(await refusal(authorizeCall(invalid.ctx, 'orders.get'))).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'the API key is not valid',
    });
  });

  it('answers SERVICE_UNAVAILABLE when the key could not be checked', async () => {
    const { ctx } = contextOf({ keyProblem: 'unavailable' });
    expect((await refusal(authorizeCall(ctx, 'orders.get'))).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('lets anyone call the health probes, and refuses a role the table does not list as FORBIDDEN', async () => {
    expect(await authorizeCall(contextOf({ keyProblem: 'invalid' }).ctx, 'health.ready')).toBeUndefined();
    const { ctx } = contextOf({ principal: operator });
    expect(await refusal(authorizeCall(ctx, 'keys.create'))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'role operator may not call keys.create',
    });
    expect(await authorizeCall(ctx, 'actors.send')).toEqual(operator);
  });

  it('refuses a key over its rate limit with Retry-After in whole seconds (at least 1)', async () => {
    for (const [retryAfterMs, seconds] of [
      [1500, 2],
      [0, 1],
      [3000, 3],
    ] as const) {
      const { ctx, headers } = contextOf({ principal: operator, decision: { allowed: false, retryAfterMs } });
      const error = await refusal(authorizeCall(ctx, 'orders.get'));
      expect(error.code).toBe('TOO_MANY_REQUESTS');
      expect(error.cause).toBeInstanceOf(RateLimitedError);
      expect((error.cause as RateLimitedError).retryAfterSeconds).toBe(seconds);
      expect(headers.get('retry-after')).toBe(String(seconds));
    }
    const allowed = contextOf({ principal: operator, decision: { allowed: true } });
    expect(await authorizeCall(allowed.ctx, 'orders.get')).toEqual(operator);
  });

  it('does not count refused calls against the rate limit', async () => {
    let consumed = 0;
    const consume = async (): Promise<RateDecision> => {
      consumed += 1;
      return { allowed: true };
    };
    const { ctx } = contextOf({ principal: operator });
    await refusal(authorizeCall({ ...ctx, deps: { rateLimiter: { consume } } as never }, 'keys.list'));
    expect(consumed).toBe(0);
  });
});

describe('customerScope', () => {
  it('is the customer of a customer key, and nothing for the other roles', () => {
    expect(customerScope({ principal: { keyId: 'k', role: 'customer', customerId: 'c-1' } })).toBe('c-1');
    expect(customerScope({ principal: operator })).toBeUndefined();
    expect(customerScope({})).toBeUndefined();
  });
});
