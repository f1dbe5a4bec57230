import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackOpsClient } from '../../api/client.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * Rate limits through the whole API (issue 7): a customer key over its limit gets TOO_MANY_REQUESTS with a
 * Retry-After, other keys are not affected, and the key recovers once its bucket refills. `health.ready` says what
 * the limiter does when Redis is down.
 */
const CUSTOMER_LIMIT = 3;
let sut: TestSystem;
let customerKey: string;
const customerId = crypto.randomUUID();

beforeAll(async () => {
  sut = await startTestSystem({
    ...ORDER_ACTOR_ONLY,
    env: { RATE_LIMITS: `customer=${CUSTOMER_LIMIT}/1s`, RATE_LIMIT_REDIS_DOWN: 'closed' },
  });
  ({ key: customerKey } = await sut.client.keys.create.mutate({
    name: 'rate-limited customer',
    role: 'customer',
    customerId,
  }));
});

afterAll(async () => {
  await sut?.stop();
});

/** One raw `orders.list` call as the customer: the HTTP status and Retry-After are what the issue names. */
async function listAsCustomer(key = customerKey) {
  const response = await fetch(`${sut.trackops.url}/trpc/orders.list?input=${encodeURIComponent('{}')}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const body = (await response.json()) as {
    error?: { data?: { code?: string; retryAfterSeconds?: number } };
  };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

describe('when a customer key calls faster than its limit', () => {
  it('then the calls over it get 429 TOO_MANY_REQUESTS with a Retry-After, and the key recovers', async () => {
    const answers = [];
    for (let call = 0; call < CUSTOMER_LIMIT + 2; call += 1) answers.push(await listAsCustomer());

    expect(answers.slice(0, CUSTOMER_LIMIT).map((answer) => answer.status)).toEqual(
      Array(CUSTOMER_LIMIT).fill(200),
    );
    const refused = answers[CUSTOMER_LIMIT];
    expect(refused?.status).toBe(429);
    expect(refused?.body.error?.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused?.body.error?.data?.retryAfterSeconds).toBe(Number(refused?.retryAfter));

    // Another key of the same role has a bucket of its own; the admin key is unlimited.
    const { key: other } = await sut.client.keys.create.mutate({
      name: 'another customer',
      role: 'customer',
      customerId: crypto.randomUUID(),
    });
    expect((await listAsCustomer(other)).status).toBe(200);
    expect((await sut.client.orders.list.query({})).items).toBeDefined();

    // One call per 1 s / 3 refills: the next allowed call comes within the Retry-After.
    await waitFor(async () => (await listAsCustomer()).status === 200, {
      timeoutMs: 1000 * Number(refused?.retryAfter) + 1000,
      what: 'the customer key is allowed again',
    });
  });

  it('then the typed client sees TOO_MANY_REQUESTS with retryAfterSeconds', async () => {
    const client = createTrackOpsClient(sut.trackops.url, { apiKey: customerKey });
    const results = await Promise.allSettled(
      Array.from({ length: CUSTOMER_LIMIT + 3 }, () => client.orders.list.query({})),
    );
    const refusal = results.find((result) => result.status === 'rejected')?.reason;
    expect(refusal).toBeInstanceOf(TRPCClientError);
    const { data } = refusal as { data: { code: string; retryAfterSeconds: number } };
    expect(data.code).toBe('TOO_MANY_REQUESTS');
    expect(data.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });
});

describe('health.ready', () => {
  it('reports the limiter: Redis up, the configured fail mode, calls limited', async () => {
    const report = await sut.client.health.ready.query();
    expect(report.rateLimit).toEqual({ redis: 'up', failMode: 'closed', calls: 'limited' });
    const probe = (await (await fetch(`${sut.trackops.url}/health/ready`)).json()) as {
      rateLimit?: unknown;
    };
    expect(probe.rateLimit).toEqual(report.rateLimit);
  });
});
