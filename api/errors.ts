import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { TrackOpsError, toTrackOpsError } from '../actors/errors.ts';

/** The one mapping from TrackOps error codes to tRPC codes (and so HTTP statuses). */
const TRPC_CODE_OF: Record<string, TRPC_ERROR_CODE_KEY> = {
  COMMAND_REJECTED: 'CONFLICT',
  STALE_WRITER: 'CONFLICT',
  INVALID_COMMAND: 'BAD_REQUEST',
  INVALID_CURSOR: 'BAD_REQUEST',
  UNKNOWN_ACTOR_TYPE: 'BAD_REQUEST',
  ACTOR_NOT_FOUND: 'NOT_FOUND',
  NOT_FOUND: 'NOT_FOUND',
  TRANSPORT_TIMEOUT: 'TIMEOUT',
  TRANSPORT_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  NOT_OWNER: 'SERVICE_UNAVAILABLE',
  MACHINE_VERSION_MISMATCH: 'INTERNAL_SERVER_ERROR',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** A TrackOps error is shown to the client with its code and details; anything else stays an opaque 500. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  const typed = error instanceof TrackOpsError ? error : toTrackOpsError(error);
  const code = TRPC_CODE_OF[typed.code] ?? 'INTERNAL_SERVER_ERROR';
  const message =
    code === 'INTERNAL_SERVER_ERROR' && !(error instanceof TrackOpsError) ? 'internal error' : typed.message;
  return new TRPCError({ code, message, cause: typed });
}

/** The details a client sees in `error.data.trackops`: the TrackOps code and its (JSON) details. */
export function trackOpsErrorData(cause: unknown): { code: string; details: Record<string, unknown> } | null {
  if (!(cause instanceof TrackOpsError) || cause.code === 'INTERNAL') return null;
  return { code: cause.code, details: cause.details };
}
