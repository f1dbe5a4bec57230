import { withDeadline } from '../actors/withDeadline.ts';
import type { ApiDependencies } from './context.ts';
import { type RateLimitReadiness, rateLimitReadiness } from './rateLimit/rateLimitReadiness.ts';

/** Runs every readiness check with a time limit; ready only when PostgreSQL, Redis, NATS and Kafka all answer. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
}

/**
 * What `health.ready` and `/health/ready` report: the checks, and what the rate limiter does right now (while
 * Redis is down, calls are let through or refused, as RATE_LIMIT_REDIS_DOWN says).
 */
export interface HealthReport extends Readiness {
  rateLimit?: RateLimitReadiness;
}

export async function healthReport(
  deps: Pick<ApiDependencies, 'readinessChecks' | 'rateLimiter'>,
): Promise<HealthReport> {
  const [readiness, rateLimit] = await Promise.all([
    checkReadiness(deps.readinessChecks),
    rateLimitReadiness(deps.rateLimiter),
  ]);
  return rateLimit === undefined ? readiness : { ...readiness, rateLimit };
}

export async function checkReadiness(
  checks: Readonly<Record<string, () => Promise<void>>>,
  timeoutMs = 3000,
): Promise<Readiness> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = performance.now();
      try {
        await withDeadline(check(), timeoutMs, () => {
          throw new Error(`no answer within ${timeoutMs} ms`);
        });
        return [name, { ok: true, latencyMs: Math.round(performance.now() - started) }] as const;
      } catch (error) {
        return [
          name,
          { ok: false, latencyMs: Math.round(performance.now() - started), error: String(error) },
        ] as const;
      }
    }),
  );
  return { ready: results.every(([, result]) => result.ok), checks: Object.fromEntries(results) };
}
