import ms from 'ms';
import { z } from 'zod';
import { type Role, roles } from '../auth/roles.ts';
import { MAX_WINDOW_MS, MIN_INTERVAL_US } from './gcra.ts';
import type { RateLimitFailMode } from './rateLimiter.ts';

/**
 * The rate-limit settings, as a fragment of config.ts's schema: `RATE_LIMITS` (calls per window for each role's
 * keys: a token bucket of `calls`, refilled at one call per window / calls) and `RATE_LIMIT_REDIS_DOWN` (what the
 * limiter does while Redis cannot be reached).
 */
export type RoleLimit = { readonly points: number; readonly durationMs: number } | 'unlimited';
export type RoleLimits = Readonly<Record<Role, RoleLimit>>;

/**
 * Admin keys are not limited and service keys (integrations, the benchmark) have a high ceiling; operators get
 * room for scripts; customer keys are held to a rate a person or a polling page needs.
 */
export const DEFAULT_RATE_LIMITS = 'admin=unlimited,operator=50/1s,service=2000/1s,customer=10/1s';

const failModes = ['open', 'closed'] as const satisfies readonly RateLimitFailMode[];

const ENTRY = /^(?<role>[^=]*)=(?<limit>.*)$/;
const POINTS = /^\d+$/;
const DURATION = /^\d+(\.\d+)?\s*[a-z]+$/i;

/**
 * `50/1s` -> { points: 50, durationMs: 1000 } (sub-second and fractional windows too: `5/500ms`, `9/1.5s`);
 * `unlimited` or `0` -> 'unlimited'; otherwise why not.
 */
function parseLimit(role: string, limit: string): { limit: RoleLimit } | string {
  if (limit === 'unlimited' || limit === '0') return { limit: 'unlimited' };
  const [points = '', duration, ...rest] = limit.split('/').map((part) => part.trim());
  if (duration === undefined || rest.length > 0) {
    return `${role}: '${limit}' is not <calls>/<window> (like 10/1s) or 'unlimited'`;
  }
  if (!POINTS.test(points) || !Number.isSafeInteger(Number(points))) {
    return `${role}: the number of calls '${points}' is not a whole number`;
  }
  if (Number(points) === 0) {
    return `${role}: 0 calls per window would refuse every call; write 'unlimited' (or 0) for no limit`;
  }
  // A number and a unit, read by ms() ('1s', '10s', '1m', '2 hours'); a bare number is refused, as in the CLI.
  const durationMs = DURATION.test(duration) ? ms(duration as ms.StringValue) : undefined;
  if (durationMs === undefined || !Number.isFinite(durationMs)) {
    return `${role}: the window '${duration}' is not a duration with a unit (like 1s, 1m, 1h)`;
  }
  // The limiter counts in microseconds of the Redis clock and expires keys by the millisecond.
  if (!Number.isInteger(durationMs) || durationMs < 1 || durationMs > MAX_WINDOW_MS) {
    return `${role}: the window '${duration}' must be a whole number of milliseconds, from 1ms to 1y`;
  }
  if ((durationMs * 1000) / Number(points) < MIN_INTERVAL_US) {
    return `${role}: ${points} calls per ${duration} is more than ${1_000_000 / MIN_INTERVAL_US} a second; write 'unlimited'`;
  }
  return { limit: { points: Number(points), durationMs } };
}

/**
 * Parses `role=<calls>/<window>` entries separated by commas. Roles not named keep their default (so an empty
 * value means the defaults); a role named twice, an unknown role or a malformed limit is an error naming it.
 */
export function parseRateLimits(
  text: string,
  defaults: RoleLimits = defaultRateLimits(),
): { ok: true; limits: RoleLimits } | { ok: false; problems: string[] } {
  const limits: Record<Role, RoleLimit> = { ...defaults };
  const problems: string[] = [];
  const seen = new Set<string>();
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== ''); // an empty value or a trailing comma names nothing
  for (const entry of entries) {
    const match = ENTRY.exec(entry);
    const role = match?.groups?.['role']?.trim() ?? '';
    const limit = match?.groups?.['limit']?.trim() ?? '';
    if (!match) {
      problems.push(`'${entry}' is not <role>=<limit> (like customer=10/1s)`);
    } else if (!isRole(role)) {
      problems.push(`'${role}' is not a role (the roles are ${roles.join(', ')})`);
    } else if (seen.has(role)) {
      problems.push(`${role} is given more than once`);
    } else {
      seen.add(role);
      const parsed = parseLimit(role, limit);
      if (typeof parsed === 'string') problems.push(parsed);
      else limits[role] = parsed.limit;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, limits };
}

const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value);

function defaultRateLimits(): RoleLimits {
  const parsed = parseRateLimits(DEFAULT_RATE_LIMITS, {
    admin: 'unlimited',
    operator: 'unlimited',
    service: 'unlimited',
    customer: 'unlimited',
  });
  if (!parsed.ok) throw new Error(`DEFAULT_RATE_LIMITS: ${parsed.problems.join('; ')}`);
  return parsed.limits;
}

/** Spread into config.ts's `configSchema`. */
export const rateLimitConfigSchema = {
  /**
   * Calls per window for each role's keys, counted per key in Redis and shared by every node, e.g.
   * `admin=unlimited,operator=50/1s,service=2000/1s,customer=10/1s`: a key may make `calls` at once after a
   * window of rest, then one per window / calls. Roles left out keep their default.
   */
  RATE_LIMITS: z
    .string()
    .transform((text, ctx) => {
      const parsed = parseRateLimits(text);
      if (parsed.ok) return parsed.limits;
      for (const message of parsed.problems) ctx.issues.push({ code: 'custom', message, input: text });
      return z.NEVER;
    })
    .prefault(DEFAULT_RATE_LIMITS),
  /** While Redis cannot be reached: `open` lets calls through unlimited, `closed` refuses them. */
  RATE_LIMIT_REDIS_DOWN: z.enum(failModes).default('open'),
};
