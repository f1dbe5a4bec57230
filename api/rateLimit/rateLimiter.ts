import type { Principal } from '../auth/roles.ts';

/** A call refused by the limiter says when the key may call again (the Retry-After header, in whole seconds). */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number };

/** What the limiter does while Redis cannot be reached: let calls through, or refuse them. */
export type RateLimitFailMode = 'open' | 'closed';

/**
 * Per-key rate limiting (limits per role), kept in Redis so every node counts the same calls. One `consume` per
 * API call, after the key is verified.
 */
export interface RateLimiter {
  consume(principal: Principal): Promise<RateDecision>;
  /** For health.ready: whether Redis answers the limiter, and what it does when it does not. */
  status(): Promise<{ readonly redis: 'up' | 'down'; readonly failMode: RateLimitFailMode }>;
  close(): Promise<void>;
}
