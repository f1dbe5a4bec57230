import { describe, expect, it } from 'vitest';
import type { RateLimiter } from './rateLimiter.ts';
import { rateLimitReadiness } from './rateLimitReadiness.ts';

const limiterReporting = (
  status: Awaited<ReturnType<RateLimiter['status']>>,
): Pick<RateLimiter, 'status'> => ({
  status: async () => status,
});

describe('rateLimitReadiness', () => {
  it('when Redis answers, then calls are limited (and the fail mode is still shown)', async () => {
    expect(await rateLimitReadiness(limiterReporting({ redis: 'up', failMode: 'closed' }))).toEqual({
      redis: 'up',
      failMode: 'closed',
      calls: 'limited',
    });
  });

  it('when Redis is down, then it says whether calls are let through or refused', async () => {
    expect((await rateLimitReadiness(limiterReporting({ redis: 'down', failMode: 'open' })))?.calls).toBe(
      'let through unlimited (Redis down, fail open)',
    );
    expect((await rateLimitReadiness(limiterReporting({ redis: 'down', failMode: 'closed' })))?.calls).toBe(
      'refused (Redis down, fail closed)',
    );
  });

  it('when status() throws, then Redis counts as down', async () => {
    const failing = { status: () => Promise.reject(new Error('boom')) };
    expect(await rateLimitReadiness(failing, 'closed')).toEqual({
      redis: 'down',
      failMode: 'closed',
      calls: 'refused (Redis down, fail closed)',
    });
  });

  it('when no limiter is wired in, then there is nothing to report', async () => {
    expect(await rateLimitReadiness(undefined)).toBeUndefined();
  });
});
