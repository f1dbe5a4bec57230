import type { Redis } from 'ioredis';
import type { RateDecision } from './rateLimiter.ts';

/**
 * A token bucket as GCRA (the generic cell rate algorithm, as in redis-cell and throttled), kept in Redis: one key
 * per API key holds its theoretical arrival time (TAT), read and moved by one Lua script, so every node shares it.
 * For `calls` per `window`: one call per emission interval T = window / calls, and up to `calls` at once after a
 * window of rest. Times are whole microseconds of the Redis clock, so every node reads one clock.
 */

/** The limit in the script's terms: T, and the bucket's span (calls x T, the window rounded to T). */
export interface GcraLimit {
  readonly intervalUs: number;
  readonly spanUs: number;
}

/** The longest window, 1y (as ms() reads it): a TAT in microseconds stays well inside a double's exact integers. */
export const MAX_WINDOW_MS = 31_557_600_000;
/** The shortest T, 10 µs (100,000 calls a second): T is rounded to whole µs, at most 5% off there. */
export const MIN_INTERVAL_US = 10;

/** `calls` per `windowMs` (a whole number of ms) -> T and the span, or a RangeError naming what is wrong. */
export function gcraLimit(calls: number, windowMs: number): GcraLimit {
  if (!Number.isSafeInteger(calls) || calls < 1) {
    throw new RangeError(`the limit needs a whole number of calls, at least 1 (got ${calls})`);
  }
  if (!Number.isSafeInteger(windowMs) || windowMs < 1 || windowMs > MAX_WINDOW_MS) {
    throw new RangeError(`the window must be a whole number of ms from 1 ms to 1y (got ${windowMs})`);
  }
  if ((windowMs * 1000) / calls < MIN_INTERVAL_US) {
    throw new RangeError(`${calls} calls per ${windowMs} ms is more than one call per ${MIN_INTERVAL_US} µs`);
  }
  const intervalUs = Math.round((windowMs * 1000) / calls);
  return { intervalUs, spanUs: intervalUs * calls };
}

/**
 * KEYS[1] the TAT (µs, Redis clock); ARGV[1] T, ARGV[2] the span (µs). A missing or past TAT counts as now (a full
 * bucket). The call is allowed when TAT + T is at most a span ahead of now: then TAT + T is stored, expiring when
 * it is reached (an idle key vanishes, which is the same as a full bucket). Otherwise nothing is stored and the
 * reply says how long until TAT + T - span, when the call would be allowed. Replies {1, 0} or {0, retry µs}.
 */
const GCRA_LUA = `
local interval = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then tat = now end
local nextTat = tat + interval
local allowAt = nextTat - span
if allowAt > now then
  return {0, allowAt - now}
end
redis.call('SET', KEYS[1], string.format('%d', nextTat), 'PX', math.ceil((nextTat - now) / 1000))
return {1, 0}
`;

const COMMAND = 'trackopsGcra';

type GcraCommand = (key: string, intervalUs: number, spanUs: number) => Promise<unknown>;

/** One call against a key's bucket: allowed (and counted) or refused (not counted) with the wait, > 0 ms. */
export type GcraConsume = (key: string, limit: GcraLimit) => Promise<RateDecision>;

/**
 * Registers the script on the client (ioredis sends EVALSHA, and EVAL once per connection or on NOSCRIPT) and
 * returns the call. Rejects when Redis does not answer, as any command of that client would.
 */
export function defineGcra(redis: Redis): GcraConsume {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: GCRA_LUA });
  const command = (redis as unknown as Record<typeof COMMAND, GcraCommand>)[COMMAND].bind(redis);
  return async (key, limit) => {
    const reply = await command(key, limit.intervalUs, limit.spanUs);
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new TypeError(`the rate-limit script replied ${JSON.stringify(reply)}`);
    }
    if (reply[0] === 1) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(reply[1] / 1000)) };
  };
}
