import type { RateLimiter, RateLimitFailMode } from './rateLimiter.ts';

/**
 * The rate limiter's part of `health.ready` (and `/health/ready`): whether its Redis answers, the configured fail
 * mode, and so what happens to calls right now.
 */
export interface RateLimitReadiness {
  readonly redis: 'up' | 'down';
  /** RATE_LIMIT_REDIS_DOWN. */
  readonly failMode: RateLimitFailMode;
  readonly calls:
    | 'limited'
    | 'let through unlimited (Redis down, fail open)'
    | 'refused (Redis down, fail closed)';
}

/** Undefined when no limiter is wired in (then calls are not limited). A status that throws counts as down. */
export async function rateLimitReadiness(
  limiter: Pick<RateLimiter, 'status'> | undefined,
  failModeIfUnknown: RateLimitFailMode = 'open',
): Promise<RateLimitReadiness | undefined> {
  if (limiter === undefined) return undefined;
  const { redis, failMode } = await limiter
    .status()
    .catch(() => ({ redis: 'down' as const, failMode: failModeIfUnknown }));
  if (redis === 'up') return { redis, failMode, calls: 'limited' };
  return {
    redis,
    failMode,
    calls:
      failMode === 'open'
        ? 'let through unlimited (Redis down, fail open)'
        : 'refused (Redis down, fail closed)',
  };
}
