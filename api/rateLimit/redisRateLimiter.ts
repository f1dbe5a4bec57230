import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../../actors/ports.ts';
import type { Role } from '../auth/roles.ts';
import type { RoleLimits } from './rateLimitConfig.ts';
import type { RateDecision, RateLimiter, RateLimitFailMode } from './rateLimiter.ts';

/**
 * RateLimiter over Redis with rate-limiter-flexible: per key, `points` calls per window that starts at the key's
 * first call (its "enhanced fixed window"), counted atomically by one Lua script, so every node shares the count.
 * Keys are `<keyPrefix>:ratelimit:<role>:<keyId>`. When Redis cannot answer, the fail mode decides, at once.
 */
export interface RedisRateLimiterOptions {
  /**
   * The limiter's own client, owned by it (close() closes it). It must fail fast when Redis is down, as the one
   * from createRateLimiterRedis does: no offline queue and a command timeout, so a call never waits on Redis.
   */
  readonly redis: Redis;
  readonly limits: RoleLimits;
  readonly failMode: RateLimitFailMode;
  /** The deployment's namespace (TRACKOPS_NAMESPACE): deployments sharing a Redis never count each other's calls. */
  readonly keyPrefix: string;
  readonly logger?: Logger;
  /** What a refused caller is told while Redis is down and the mode is `closed` (default 1000). */
  readonly redisDownRetryAfterMs?: number;
  /** While Redis is down, at most one warning per interval (default 60 s). */
  readonly warnIntervalMs?: number;
  /** How long status() waits for Redis to answer a PING (default 500). */
  readonly statusTimeoutMs?: number;
}

/** A client that answers or fails within `commandTimeoutMs`, and keeps reconnecting in the background. */
export function createRateLimiterRedis(url: string, options: { commandTimeoutMs?: number } = {}): Redis {
  const redis = new Redis(url, {
    // Commands issued while disconnected fail at once instead of waiting for a reconnection.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: 2000,
    connectionName: 'trackops-rate-limiter',
  });
  // Connection errors are not logged one by one: the limiter warns about an outage at most once per interval.
  redis.on('error', () => {});
  return redis;
}

/** What createRateLimiterFromConfig reads (config.ts's Config has these once the fragment is spread in). */
export interface RateLimiterSettings {
  readonly REDIS_URL: string;
  readonly TRACKOPS_NAMESPACE: string;
  readonly RATE_LIMITS: RoleLimits;
  readonly RATE_LIMIT_REDIS_DOWN: RateLimitFailMode;
}

/**
 * The limiter main.ts wires in: its own fail-fast connection, keys under the deployment's namespace. Waits a
 * moment for the first connection, so the first calls are counted; if Redis is down it starts anyway, in the
 * configured fail mode, and connects when Redis comes back.
 */
export async function createRateLimiterFromConfig(
  config: RateLimiterSettings,
  logger?: Logger,
  options: { connectWaitMs?: number } = {},
): Promise<RateLimiter> {
  const redis = createRateLimiterRedis(config.REDIS_URL);
  await waitUntilReady(redis, options.connectWaitMs ?? 2000);
  return createRedisRateLimiter({
    redis,
    limits: config.RATE_LIMITS,
    failMode: config.RATE_LIMIT_REDIS_DOWN,
    keyPrefix: config.TRACKOPS_NAMESPACE,
    ...(logger ? { logger } : {}),
  });
}

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis, failMode, logger } = options;
  const limiters = createRoleLimiters(options);
  const degraded = createDegradedLog(failMode, logger, options.warnIntervalMs ?? 60_000);
  const redisDown: RateDecision =
    failMode === 'open'
      ? { allowed: true }
      : { allowed: false, retryAfterMs: options.redisDownRetryAfterMs ?? 1000 };
  return {
    async consume(principal) {
      const limiter = limiters[principal.role];
      if (!limiter) return { allowed: true };
      try {
        await limiter.consume(principal.keyId);
        degraded.recovered();
        return { allowed: true };
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          degraded.recovered();
          return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(outcome.msBeforeNext)) };
        }
        degraded.failed(outcome);
        return redisDown;
      }
    },
    async status() {
      const up = await pingWithin(redis, options.statusTimeoutMs ?? 500);
      return { redis: up ? 'up' : 'down', failMode };
    },
    async close() {
      if (redis.status === 'ready') {
        await redis.quit().catch(() => redis.disconnect());
      } else {
        redis.disconnect();
      }
    },
  };
}

/** One library limiter per limited role; unlimited roles have none. */
function createRoleLimiters(options: RedisRateLimiterOptions): Partial<Record<Role, RateLimiterRedis>> {
  const limiters: Partial<Record<Role, RateLimiterRedis>> = {};
  for (const [role, limit] of Object.entries(options.limits) as [Role, RoleLimits[Role]][]) {
    if (limit === 'unlimited') continue;
    if (limit.durationMs < 1000 || limit.durationMs % 1000 !== 0 || limit.points < 1) {
      throw new RangeError(
        `${role}: the limit needs ≥ 1 call per whole number of seconds (Redis expires by second)`,
      );
    }
    limiters[role] = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.keyPrefix}:ratelimit:${role}`,
      points: limit.points,
      duration: limit.durationMs / 1000,
      // Not connected: fail at once (then the fail mode decides) rather than try.
      rejectIfRedisNotReady: true,
    });
  }
  return limiters;
}

/**
 * Warns when Redis stops answering the limiter, at most once per interval however often it flaps, and notes the
 * recovery of an outage it warned about.
 */
function createDegradedLog(failMode: RateLimitFailMode, logger: Logger | undefined, intervalMs: number) {
  let lastWarnAt = Number.NEGATIVE_INFINITY;
  let failedSinceWarning = 0;
  let warnedOutage = false;
  const effect = failMode === 'open' ? 'calls are let through unlimited' : 'calls are refused';
  return {
    failed(error: unknown) {
      failedSinceWarning += 1;
      const now = Date.now();
      if (now - lastWarnAt < intervalMs) return;
      logger?.warn(
        { err: error, failMode, calls: failedSinceWarning },
        `rate limiter cannot reach Redis: ${effect} (RATE_LIMIT_REDIS_DOWN=${failMode})`,
      );
      lastWarnAt = now;
      failedSinceWarning = 0;
      warnedOutage = true;
    },
    recovered() {
      if (!warnedOutage) return;
      warnedOutage = false;
      logger?.info({ failMode }, 'rate limiter reaches Redis again: calls are limited');
    },
  };
}

async function pingWithin(redis: Redis, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = redis.ping().then(
    (reply) => reply === 'PONG',
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function waitUntilReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once('ready', onReady);
  });
}
