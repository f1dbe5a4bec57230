import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { authorizeCall, RateLimitedError } from './auth/authorize.ts';
import { endWhenRevoked } from './auth/revocableStream.ts';
import type { Context } from './context.ts';
import { toTRPCError, trackOpsErrorData } from './errors.ts';

/**
 * tRPC initialised once. Bad input becomes BAD_REQUEST with zod's field errors in `data.fieldErrors`; TrackOps
 * errors keep their code and details in `data.trackops`, so a client branches on codes, never on messages. A call
 * refused by the rate limiter says when to retry in `data.retryAfterSeconds` (and the Retry-After header).
 */
const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof z.ZodError ? error.cause : undefined;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : null,
        formErrors: zodError ? z.flattenError(zodError).formErrors : null,
        issues: zodError ? zodError.issues.map(({ path, message, code }) => ({ path, message, code })) : null,
        trackops: trackOpsErrorData(error.cause),
        retryAfterSeconds: error.cause instanceof RateLimitedError ? error.cause.retryAfterSeconds : null,
      },
    };
  },
});

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (
    !result.ok &&
    !(result.error.cause instanceof z.ZodError) &&
    result.error.code === 'INTERNAL_SERVER_ERROR'
  ) {
    const mapped = toTRPCError(result.error.cause ?? result.error);
    return { ...result, error: mapped };
  }
  return result;
});

/**
 * Outermost, so it sees the code the client gets (after mapErrors). Each call gets its own correlation id unless the
 * caller gave one: the calls of one HTTP batch are separate flows.
 */
const timed = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next({ ctx: { correlationId: ctx.callerCorrelationId ?? crypto.randomUUID() } });
  ctx.deps.observeProcedure?.({
    procedure: path,
    type,
    code: result.ok ? 'ok' : result.error.code,
    seconds: (performance.now() - started) / 1000,
  });
  return result;
});

/**
 * Inside the error mapping (its refusals are already typed) and before any input is read or any work is done. A
 * subscription opened with a key ends (UNAUTHORIZED) once that key is revoked.
 */
const authorized = t.middleware(async ({ ctx, path, type, next }) => {
  const principal = await authorizeCall(ctx, path);
  const result = await next();
  const { keyStillValid } = ctx;
  if (type !== 'subscription' || !result.ok || !principal || !keyStillValid || !isAsyncIterable(result.data))
    return result;
  return { ...result, data: endWhenRevoked(result.data, keyStillValid) };
});

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

export const router = t.router;
/**
 * The base of every procedure: timed (outermost, so refused calls are counted by their code), errors mapped, and
 * authorized by the API key's role (api/auth/permissions.ts; `public` there means callable without a key).
 */
export const publicProcedure = t.procedure.use(timed).use(mapErrors).use(authorized);
export const createCallerFactory = t.createCallerFactory;
