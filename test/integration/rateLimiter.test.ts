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
  options: { failMode?: RateLimitFailMode; keyPrefix?: string; logger?: Logger; limits?: RoleLimits } = {},
): Promise<RateLimiter> {
  const limiter = await createRateLimiterFromConfig(
    {
      REDIS_URL: url,
      TRACKOPS_NAMESPACE: options.keyPrefix ?? config.TRACKOPS_NAMESPACE,
      RATE_LIMITS: options.limits ?? limits,
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
  it('when a customer key (5/1s) makes its 6th call at once, then it is refused with a retry-after, and allowed again once that passed', async () => {
    const limiter = await limiterAt(config.REDIS_URL);
    const customer = keyOf('customer');

    const decisions = await Promise.all(Array.from({ length: 6 }, () => limiter.consume(customer)));
    expect(decisions.slice(0, 5)).toEqual(Array(5).fill({ allowed: true }));
    const refused = decisions[5];
    expect(refused?.allowed).toBe(false);
    const retryAfterMs = refused && !refused.allowed ? refused.retryAfterMs : Number.NaN;
    // One call refills every 1000 / 5 ms.
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(200);

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
    await Promise.all(Array.from({ length: 5 }, () => limiter.consume(first)));
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
    // 3/2s refills one call every 667 ms (a customer key's 5/1s, every 200 ms).
    const refused = decisions[3];
    const retryAfterMs = refused && !refused.allowed ? refused.retryAfterMs : Number.NaN;
    expect(retryAfterMs).toBeGreaterThan(500);
    expect(retryAfterMs).toBeLessThanOrEqual(667);
  });

  it('when a role is unlimited, then its keys are never refused', async () => {
    const limiter = await limiterAt(config.REDIS_URL);
    const admin = keyOf('admin');
    const decisions = await Promise.all(Array.from({ length: 200 }, () => limiter.consume(admin)));
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
  });

  it('the bucket lives under the namespace and the key id (its TAT on the Redis clock), and expires once full again', async () => {
    const limiter = await limiterAt(config.REDIS_URL);
    const customer = keyOf('customer');
    const redis = new Redis(config.REDIS_URL);
    try {
      const key = `${config.TRACKOPS_NAMESPACE}:ratelimit:customer:${customer.keyId}`;
      const [seconds, micros] = await redis.time();
      await consumeTimes(limiter, customer, 2);
      // Two calls of 5/1s: the theoretical arrival time is 2 x 200 ms after the first call, in µs.
      const tatUs = Number(await redis.get(key)) - (Number(seconds) * 1e6 + Number(micros));
      expect(tatUs).toBeGreaterThanOrEqual(400_000);
      expect(tatUs).toBeLessThan(600_000);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(400);
      await waitFor(async () => (await redis.exists(key)) === 0, {
        timeoutMs: 2000,
        what: 'the key to expire',
      });
    } finally {
      await redis.quit();
    }
  });

  it('status() says Redis is up, and the fail mode', async () => {
    const limiter = await limiterAt(config.REDIS_URL, { failMode: 'closed' });
    expect(await limiter.status()).toEqual({ redis: 'up', failMode: 'closed' });
  });
});

/** When each allowed call was sent and answered (the Redis clock decided it in between). */
interface Pass {
  readonly sentAt: number;
  readonly answeredAt: number;
}

/**
 * The most by which any run of consecutive passes exceeds what a token bucket of `calls` refilled every
 * `intervalMs` allows: calls + elapsed / interval. The elapsed time is taken at its shortest (the first pass's
 * answer to the last one's sending), so a late answer can only make the bound stricter.
 */
function excessOverBucket(passes: readonly Pass[], calls: number, intervalMs: number): number {
  let excess = Number.NEGATIVE_INFINITY;
  for (let first = 0; first < passes.length; first += 1) {
    for (let last = first + 1; last < passes.length; last += 1) {
      const elapsedMs = Math.max(0, (passes[last]?.sentAt ?? 0) - (passes[first]?.answeredAt ?? 0));
      excess = Math.max(excess, last - first + 1 - (calls + elapsedMs / intervalMs));
    }
  }
  return excess;
}

describe('rate limiter: a token bucket, with no 2x burst at a window boundary', () => {
  const tenPerSecond: RoleLimits = { ...limits, customer: { points: 10, durationMs: 1000 } };

  it('when a customer key (10/1s) makes 11 calls at once, then 10 pass, the 11th waits about 100 ms, and the call after that wait passes', async () => {
    const limiter = await limiterAt(config.REDIS_URL, { limits: tenPerSecond });
    const customer = keyOf('customer');

    const decisions = await Promise.all(Array.from({ length: 11 }, () => limiter.consume(customer)));
    const refusedAt = performance.now();
    expect(decisions.slice(0, 10)).toEqual(Array(10).fill({ allowed: true }));
    const refused = decisions[10];
    expect(refused?.allowed).toBe(false);
    const retryAfterMs = refused && !refused.allowed ? refused.retryAfterMs : Number.NaN;
    expect(retryAfterMs).toBeGreaterThanOrEqual(1);
    expect(retryAfterMs).toBeLessThanOrEqual(150);

    // The wait it was told is enough (a refused call is not counted, so asking again early costs nothing).
    await waitFor(() => performance.now() - refusedAt >= retryAfterMs, {
      timeoutMs: 1000,
      intervalMs: 5,
      what: 'the retry-after to pass',
    });
    expect(await limiter.consume(customer)).toEqual({ allowed: true });
  });

  it('when keys call as fast as they can for 1.5 s, then no stretch of time lets through more than 10 + one per 100 ms, even across a fixed window’s boundary', async () => {
    const limiter = await limiterAt(config.REDIS_URL, { limits: tenPerSecond });
    const steady = keyOf('customer');
    // Calls once, rests 900 ms, then bursts: with a fixed window opened by its first call it would pass 9 calls at
    // 900 ms and 10 more at 1000 ms (19 within 100 ms); a bucket of 10 lets through at most 11 there.
    const boundary = keyOf('customer');
    const passes = new Map<Principal, Pass[]>([
      [steady, []],
      [boundary, []],
    ]);
    const call = async (principal: Principal) => {
      const sentAt = performance.now();
      const decision = await limiter.consume(principal);
      if (decision.allowed) passes.get(principal)?.push({ sentAt, answeredAt: performance.now() });
    };

    const startedAt = performance.now();
    await call(boundary);
    for (let elapsed = 0; elapsed < 1500; elapsed = performance.now() - startedAt) {
      await call(steady);
      if (elapsed >= 900) await call(boundary);
    }

    const steadyPasses = passes.get(steady) ?? [];
    const boundaryPasses = passes.get(boundary) ?? [];
    // 10 at once, then one per 100 ms: 25 over 1.5 s (1 of tolerance for the clocks); and the refill does happen.
    expect(steadyPasses.length).toBeLessThanOrEqual(10 + 15 + 1);
    expect(steadyPasses.length).toBeGreaterThanOrEqual(10 + 15 - 2);
    expect(excessOverBucket(steadyPasses, 10, 100)).toBeLessThanOrEqual(1);
    // The first call, the rested bucket of 10 at 900 ms, then one per 100 ms to 1.5 s.
    expect(boundaryPasses.length).toBeLessThanOrEqual(1 + 10 + 6 + 1);
    expect(excessOverBucket(boundaryPasses, 10, 100)).toBeLessThanOrEqual(1);
    const aroundBoundary = boundaryPasses.filter(({ sentAt }) => sentAt - startedAt < 1100);
    expect(aroundBoundary.length).toBeLessThanOrEqual(1 + 10 + 2);
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
