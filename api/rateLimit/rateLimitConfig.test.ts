import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, parseRateLimits, rateLimitConfigSchema } from './rateLimitConfig.ts';

const schema = z.object(rateLimitConfigSchema);

function problemsOf(text: string): string[] {
  const parsed = parseRateLimits(text);
  if (parsed.ok) throw new Error(`expected '${text}' to be refused`);
  return parsed.problems;
}

describe('RATE_LIMITS', () => {
  it('when unset, then admin is unlimited, service high and customers protected', () => {
    const config = schema.parse({});
    expect(config.RATE_LIMITS).toEqual({
      admin: 'unlimited',
      operator: { points: 50, durationMs: 1000 },
      service: { points: 2000, durationMs: 1000 },
      customer: { points: 10, durationMs: 1000 },
    });
    expect(config.RATE_LIMIT_REDIS_DOWN).toBe('open');
  });

  it('when every role is given, then each gets its limit (spaces and ms-style windows allowed)', () => {
    const config = schema.parse({
      RATE_LIMITS: ' admin = 0 , operator=100/10s, service=unlimited,customer=30/1m ',
      RATE_LIMIT_REDIS_DOWN: 'closed',
    });
    expect(config.RATE_LIMITS).toEqual({
      admin: 'unlimited',
      operator: { points: 100, durationMs: 10_000 },
      service: 'unlimited',
      customer: { points: 30, durationMs: 60_000 },
    });
    expect(config.RATE_LIMIT_REDIS_DOWN).toBe('closed');
  });

  it('when some roles are left out (or the value is empty), then they keep their defaults', () => {
    const defaults = schema.parse({}).RATE_LIMITS;
    expect(schema.parse({ RATE_LIMITS: 'customer=5/2s,' }).RATE_LIMITS).toEqual({
      ...defaults,
      customer: { points: 5, durationMs: 2000 },
    });
    expect(schema.parse({ RATE_LIMITS: '' }).RATE_LIMITS).toEqual(defaults);
  });

  it('when a window is under a second or not whole seconds, then it is kept to the millisecond', () => {
    expect(
      schema.parse({ RATE_LIMITS: 'customer=5/500ms,operator=9/1.5s,service=100000/1s' }).RATE_LIMITS,
    ).toEqual({
      admin: 'unlimited',
      operator: { points: 9, durationMs: 1500 },
      service: { points: 100_000, durationMs: 1000 },
      customer: { points: 5, durationMs: 500 },
    });
    expect(schema.parse({ RATE_LIMITS: 'customer=1/1ms' }).RATE_LIMITS.customer).toEqual({
      points: 1,
      durationMs: 1,
    });
    expect(schema.parse({ RATE_LIMITS: 'customer=1/1y' }).RATE_LIMITS.customer).toEqual({
      points: 1,
      durationMs: 31_557_600_000,
    });
  });

  it('the default text is itself valid', () => {
    expect(parseRateLimits(DEFAULT_RATE_LIMITS).ok).toBe(true);
  });

  it.each([
    ['customer', "'customer' is not <role>=<limit>"],
    ['guest=1/1s', "'guest' is not a role (the roles are admin, operator, service, customer)"],
    ['=1/1s', "'' is not a role"],
    ['customer=1/1s,customer=2/1s', 'customer is given more than once'],
    ['customer=10', "customer: '10' is not <calls>/<window>"],
    ['customer=10/1s/2s', "customer: '10/1s/2s' is not <calls>/<window>"],
    ['customer=', "customer: '' is not <calls>/<window>"],
    ['customer=ten/1s', "customer: the number of calls 'ten' is not a whole number"],
    ['customer=1.5/1s', "customer: the number of calls '1.5' is not a whole number"],
    ['customer=-1/1s', "customer: the number of calls '-1' is not a whole number"],
    ['customer=99999999999999999999/1s', 'is not a whole number'],
    ['customer=0/1s', "customer: 0 calls per window would refuse every call; write 'unlimited'"],
    ['customer=10/soon', "customer: the window 'soon' is not a duration with a unit"],
    ['customer=10/1000', "customer: the window '1000' is not a duration with a unit"],
    ['customer=10/', "customer: the window '' is not a duration with a unit"],
    [
      'customer=10/0.5ms',
      "customer: the window '0.5ms' must be a whole number of milliseconds, from 1ms to 1y",
    ],
    ['customer=10/0s', "customer: the window '0s' must be a whole number of milliseconds, from 1ms to 1y"],
    ['customer=10/1.0005s', "customer: the window '1.0005s' must be a whole number of milliseconds"],
    ['customer=10/2y', "customer: the window '2y' must be a whole number of milliseconds, from 1ms to 1y"],
    ['customer=100001/1s', "customer: 100001 calls per 1s is more than 100000 a second; write 'unlimited'"],
    ['customer=2/10us', "customer: the window '10us' is not a duration with a unit"],
    ['customer=10/1parsec', "customer: the window '1parsec' is not a duration with a unit"],
    ['customer=Unlimited', "customer: 'Unlimited' is not <calls>/<window>"],
  ])("'%s' is refused: %s", (text, problem) => {
    expect(problemsOf(text).join('\n')).toContain(problem);
  });

  it('when several entries are wrong, then each is named', () => {
    expect(problemsOf('guest=1/1s,customer=0/1s,operator=5/0.5ms')).toHaveLength(3);
  });

  it('a bad value fails the config schema with the problem as the message', () => {
    const parsed = schema.safeParse({ RATE_LIMITS: 'customer=10/0.5ms' });
    expect(parsed.success).toBe(false);
    expect(z.prettifyError(parsed.error as z.ZodError)).toContain(
      "customer: the window '0.5ms' must be a whole number of milliseconds, from 1ms to 1y",
    );
    expect(z.prettifyError(parsed.error as z.ZodError)).toContain('RATE_LIMITS');
  });

  it('RATE_LIMIT_REDIS_DOWN is open or closed', () => {
    const parsed = schema.safeParse({ RATE_LIMIT_REDIS_DOWN: 'maybe' });
    expect(parsed.success).toBe(false);
    expect(z.prettifyError(parsed.error as z.ZodError)).toContain('RATE_LIMIT_REDIS_DOWN');
  });
});
