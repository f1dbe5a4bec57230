import { Redis } from 'ioredis';
import type { Logger } from '../../actors/ports.ts';
import { withDeadline } from '../../actors/withDeadline.ts';
import type { Role } from '../auth/roles.ts';
import { defineGcra, type GcraLimit, gcraLimit } from './gcra.ts';
import type { RoleLimits } from './rateLimitConfig.ts';
import type { RateDecision, RateLimiter, RateLimitFailMode } from './rateLimiter.ts';

/**
 * RateLimiter over Redis: per key a token bucket (GCRA, gcra.ts) of `points` calls, refilled at one call per
 * `durationMs / points`, moved atomically by one Lua script on the Redis clock, so every node shares it and no
 * window boundary lets a 2x burst through. Keys are `<keyPrefix>:ratelimit:<role>:<keyId>` and expire once the
 * bucket is full again. When Redis cannot answer, the fail mode decides, at once.
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
  const limits = roleLimits(options.limits);
  const consumeGcra = defineGcra(redis);
  const degraded = createDegradedLog(failMode, logger, options.warnIntervalMs ?? 60_000);
  const redisDown: RateDecision =
    failMode === 'open'
      ? { allowed: true }
      : { allowed: false, retryAfterMs: options.redisDownRetryAfterMs ?? 1000 };
  return {
    async consume(principal) {
      const limit = limits[principal.role];
      if (!limit) return { allowed: true };
      const key = `${options.keyPrefix}:ratelimit:${principal.role}:${principal.keyId}`;
      try {
        const decision = await consumeGcra(key, limit);
        degraded.recovered();
        return decision;
      } catch (error) {
        // Not connected (no offline queue), the command timeout, or a Redis error: the fail mode decides.
        degraded.failed(error);
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

/** The script's terms for each limited role (unlimited roles have none); a limit it cannot keep throws at once. */
function roleLimits(limits: RoleLimits): Partial<Record<Role, GcraLimit>> {
  const byRole: Partial<Record<Role, GcraLimit>> = {};
  for (const [role, limit] of Object.entries(limits) as [Role, RoleLimits[Role]][]) {
    if (limit === 'unlimited') continue;
    try {
      byRole[role] = gcraLimit(limit.points, limit.durationMs);
    } catch (error) {
      throw new RangeError(`${role}: ${(error as Error).message}`, { cause: error });
    }
  }
  return byRole;
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

function pingWithin(redis: Redis, timeoutMs: number): Promise<boolean> {
  const ping = redis.ping().then(
    (reply) => reply === 'PONG',
    () => false,
  );
  return withDeadline(ping, timeoutMs, () => false);
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
