import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../actors/ports.ts';
import type { Principal, Role } from '../../api/auth/roles.ts';
import type { RoleLimits } from '../../api/rateLimit/rateLimitConfig.ts';
import type { RateLimiter, RateLimitFailMode } from '../../api/rateLimit/rateLimiter.ts';
import {
  createRateLimiterFromConfig,
  createRateLimiterRedis,
  createRedisRateLimiter,
} from '../../api/rateLimit/redisRateLimiter.ts';
import { testConfig } from '../support/testConfig.ts';
import { waitFor } from '../support/waitFor.ts';

/** The Redis rate limiter against the real Redis: limits per key and role, shared by nodes, and a down Redis. */
const config = testConfig();
const limits: RoleLimits = {
  admin: 'unlimited',
  operator: { points: 3, durationMs: 2000 },
  service: 'unlimited',
  customer: { points: 5, durationMs: 1000 },
};
const NOBODY_LISTENS = 'redis://127.0.0.1:1';

const keyOf = (role: Role): Principal => ({ keyId: `key-${crypto.randomUUID()}`, role });

const opened: RateLimiter[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
});

async function limiterAt(
  url: string,
  options: { failMode?: RateLimitFailMode; keyPrefix?: string; logger?: Logger } = {},
): Promise<RateLimiter> {
  const limiter = await createRateLimiterFromConfig(
    {
      REDIS_URL: url,
      TRACKOPS_NAMESPACE: options.keyPrefix ?? config.TRACKOPS_NAMESPACE,
      RATE_LIMITS: limits,
      RATE_LIMIT_REDIS_DOWN: options.failMode ?? 'open',
    },
    options.logger,
    { connectWaitMs: url === NOBODY_LISTENS ? 50 : 2000 },
  );
  opened.push(limiter);
  return limiter;
}

async function consumeTimes(limiter: RateLimiter, principal: Principal, times: number) {
  const decisions = [];
  for (let call = 0; call < times; call += 1) decisions.push(await limiter.consume(principal));
  return decisions;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('rate limiter: limits per key', () => {
  it('when a customer key makes its 6th call in its 1 s window, then it is refused with a retry-after, and allowed again once the window passed', async () => {
    const limiter = await limiterAt(config.REDIS_URL);
    const customer = keyOf('customer');

    const decisions = await consumeTimes(limiter, customer, 6);
    expect(decisions.slice(0, 5)).toEqual(Array(5).fill({ allowed: true }));
    const refused = decisions[5];
    expect(refused?.allowed).toBe(false);
    const retryAfterMs = refused && !refused.allowed ? refused.retryAfterMs : Number.NaN;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);

    const refusedAt = Date.now();
    await waitFor(async () => (await limiter.consume(customer)).allowed, {
      timeoutMs: 3000,
      what: 'the customer key to be allowed again',
    });
    // Not before the window it was told about ended (less the polling's own time).
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(retryAfterMs - 100);
  });

  it('when one key has used its calls, then another key of the same role is still allowed', async () => {
    const limiter = await limiterAt(config.REDIS_URL);
    const first = keyOf('customer');
    await consumeTimes(limiter, first, 5);
    expect((await limiter.consume(first)).allowed).toBe(false);
    expect(await limiter.consume(keyOf('customer'))).toEqual({ allowed: true });
  });

  it('when two nodes (two limiters) serve calls of one key, then they share its count', async () => {
    const [nodeA, nodeB] = [await limiterAt(config.REDIS_URL), await limiterAt(config.REDIS_URL)];
    const customer = keyOf('customer');
    await consumeTimes(nodeA, customer, 3);
    await consumeTimes(nodeB, customer, 2);
    expect((await nodeA.consume(customer)).allowed).toBe(false);
    expect((await nodeB.consume(customer)).allowed).toBe(false);
  });

  it('when two deployments (two namespaces) share one Redis, then they never count each other’s calls', async () => {
    const ours = await limiterAt(config.REDIS_URL);
    const theirs = await limiterAt(config.REDIS_URL, { keyPrefix: `${config.TRACKOPS_NAMESPACE}_other` });
    const customer = keyOf('customer');
    await consumeTimes(ours, customer, 5);
    expect((await ours.consume(customer)).allowed).toBe(false);
    expect(await theirs.consume(customer)).toEqual({ allowed: true });
  });

  it('when a role has its own limit, then its keys get that limit and window', async () => {
    const limiter = await limiterAt(config.REDIS_URL);
    const operator = keyOf('operator');
    const decisions = await consumeTimes(limiter, operator, 4);
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    const refused = decisions[3];
    expect(refused && !refused.allowed && refused.retryAfterMs).toBeGreaterThan(1000);
  });

  it('when a role is unlimited, then its keys are never refused', async () => {
    const limiter = await limiterAt(config.REDIS_URL);
    const admin = keyOf('admin');
    const decisions = await Promise.all(Array.from({ length: 200 }, () => limiter.consume(admin)));
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
  });

  it('the count lives under the namespace and the key id, and expires with the window', async () => {
    const limiter = await limiterAt(config.REDIS_URL);
    const customer = keyOf('customer');
    await limiter.consume(customer);
    const redis = new Redis(config.REDIS_URL);
    try {
      const key = `${config.TRACKOPS_NAMESPACE}:ratelimit:customer:${customer.keyId}`;
      expect(await redis.get(key)).toBe('1');
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1000);
    } finally {
      await redis.quit();
    }
  });

  it('status() says Redis is up, and the fail mode', async () => {
    const limiter = await limiterAt(config.REDIS_URL, { failMode: 'closed' });
    expect(await limiter.status()).toEqual({ redis: 'up', failMode: 'closed' });
  });
});

describe('rate limiter: Redis down', () => {
  it('when nothing listens and the mode is open, then calls are allowed at once, with one warning', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const limiter = await limiterAt(NOBODY_LISTENS, { failMode: 'open', logger });
    const { value: decisions, ms } = await timed(() => consumeTimes(limiter, keyOf('customer'), 20));
    expect(decisions).toEqual(Array(20).fill({ allowed: true }));
    expect(ms).toBeLessThan(1000);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[1]).toContain('RATE_LIMIT_REDIS_DOWN=open');
    const { value: status, ms: statusMs } = await timed(() => limiter.status());
    expect(status).toEqual({ redis: 'down', failMode: 'open' });
    expect(statusMs).toBeLessThan(1000);
  });

  it('when nothing listens and the mode is closed, then calls are refused at once with a retry-after', async () => {
    const limiter = await limiterAt(NOBODY_LISTENS, { failMode: 'closed' });
    const { value: decision, ms } = await timed(() => limiter.consume(keyOf('customer')));
    expect(decision).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(ms).toBeLessThan(1000);
    expect(await limiter.status()).toEqual({ redis: 'down', failMode: 'closed' });
    // A role that is not limited does not need Redis at all.
    expect(await limiter.consume(keyOf('admin'))).toEqual({ allowed: true });
  });

  describe('when Redis stops answering on an open connection', () => {
    let proxy: FreezableProxy;
    beforeAll(async () => {
      proxy = await startFreezableProxy(new URL(config.REDIS_URL));
    });
    afterAll(() => proxy.close());

    it('then a call is decided by the fail mode within the command timeout, and counted again once Redis answers', async () => {
      const limiter = createRedisRateLimiter({
        redis: createRateLimiterRedis(proxy.url, { commandTimeoutMs: 300 }),
        limits,
        failMode: 'closed',
        keyPrefix: config.TRACKOPS_NAMESPACE,
        redisDownRetryAfterMs: 2000,
      });
      opened.push(limiter);
      const customer = keyOf('customer');
      await waitFor(async () => (await limiter.status()).redis === 'up', { timeoutMs: 5000 });
      expect(await limiter.consume(customer)).toEqual({ allowed: true });

      proxy.freeze();
      const { value: decision, ms } = await timed(() => limiter.consume(customer));
      expect(decision).toEqual({ allowed: false, retryAfterMs: 2000 });
      expect(ms).toBeLessThan(1000);
      expect((await limiter.status()).redis).toBe('down');

      proxy.thaw();
      await waitFor(async () => (await limiter.consume(customer)).allowed, {
        timeoutMs: 10_000,
        what: 'the limiter to reach Redis again',
      });
    });
  });
});

interface FreezableProxy {
  readonly url: string;
  /** Holds what clients send from now on: connections stay open, nothing is answered (a hung Redis). */
  freeze(): void;
  /** Passes on what was held, then everything as it comes (the Redis resumes). */
  thaw(): void;
  close(): Promise<void>;
}

/** A TCP proxy to Redis that can go silent, as a Redis that hangs would. */
async function startFreezableProxy(target: URL): Promise<FreezableProxy> {
  let frozen = false;
  const held: { upstream: Socket; data: Buffer }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (data: Buffer) => {
      if (frozen) held.push({ upstream, data });
      else upstream.write(data);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const { upstream, data } of held.splice(0)) upstream.write(data);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
