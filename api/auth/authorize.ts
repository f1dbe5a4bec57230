import { TRPCError } from '@trpc/server';
import type { Context } from '../context.ts';
import { accessTo, isAllowed } from './permissions.ts';
import type { Principal } from './roles.ts';

/**
 * The check every API call passes before its procedure runs (api/trpc.ts applies it): a key is required unless
 * the procedure is public (UNAUTHORIZED, the same for a missing, unknown or revoked key), the key's role must be
 * allowed the procedure (FORBIDDEN), and the key must be within its rate limit (TOO_MANY_REQUESTS with
 * Retry-After).
 */
export class RateLimitedError extends Error {
  readonly code = 'RATE_LIMITED' as const;
  override readonly name = 'RateLimitedError';
  readonly retryable = true;
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests: retry in ${retryAfterSeconds} s`);
  }
}

/** The principal allowed to make the call (undefined for a public procedure called without a key). */
export async function authorizeCall(ctx: Context, path: string): Promise<Principal | undefined> {
  const access = accessTo(path);
  const { principal } = ctx;
  if (access === 'public' && principal === undefined) return undefined;
  if (principal === undefined) throw unauthenticated(ctx);
  if (!isAllowed(access, principal.role)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `role ${principal.role} may not call ${path}` });
  }
  await consumeRateLimit(ctx, principal);
  return principal;
}

function unauthenticated(ctx: Context): TRPCError {
  if (ctx.keyProblem === 'unavailable') {
    const message = 'the API key cannot be checked now (the key store does not answer); retry';
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message });
  }
  ctx.setHeader?.('www-authenticate', 'Bearer');
  const message = ctx.keyProblem === 'invalid' ? 'the API key is not valid' : 'an API key is required';
  return new TRPCError({ code: 'UNAUTHORIZED', message });
}

async function consumeRateLimit(ctx: Context, principal: Principal): Promise<void> {
  const decision = await ctx.deps.rateLimiter?.consume(principal);
  if (decision === undefined || decision.allowed) return;
  const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  ctx.setHeader?.('retry-after', String(retryAfterSeconds));
  const cause = new RateLimitedError(retryAfterSeconds);
  throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: cause.message, cause });
}

/** The customer a call is confined to: set for `customer` keys (whose every order read and write is scoped). */
export function customerScope(ctx: Pick<Context, 'principal'>): string | undefined {
  const { principal } = ctx;
  if (principal?.role !== 'customer') return undefined;
  // A customer key always has its customer (the table's check); without one it may see nothing.
  if (principal.customerId === undefined) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `key ${principal.keyId} names no customer` });
  }
  return principal.customerId;
}
