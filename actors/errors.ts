import { z } from 'zod';
import type { ActorRef } from './envelope.ts';
import { formatRef } from './envelope.ts';

/**
 * Typed runtime errors. Each carries a string-literal `code` (mapped once at every edge: tRPC code, NATS reply,
 * DLQ reason, CLI exit code) and `retryable`, which tells a caller whether the same message may succeed later.
 */
export abstract class TrackOpsError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

/** The current state does not accept the command: names the state and what it would accept. */
export class CommandRejectedError extends TrackOpsError {
  readonly code = 'COMMAND_REJECTED' as const;
  readonly retryable = false;

  static notAccepted(ref: ActorRef, state: unknown, event: string, accepted: string[]): CommandRejectedError {
    const stateName = typeof state === 'string' ? state : JSON.stringify(state);
    return new CommandRejectedError(
      `${formatRef(ref)} is ${stateName} and does not accept ${event}; it accepts: ${accepted.join(', ') || 'nothing (final state)'}`,
      { ref, state, event, accepted },
    );
  }
}

/** The command's payload does not match what the machine expects for that event. */
export class InvalidCommandError extends TrackOpsError {
  readonly code = 'INVALID_COMMAND' as const;
  readonly retryable = false;
}

export class ActorNotFoundError extends TrackOpsError {
  readonly code = 'ACTOR_NOT_FOUND' as const;
  readonly retryable = false;

  static of(ref: ActorRef, event: string): ActorNotFoundError {
    return new ActorNotFoundError(`${formatRef(ref)} does not exist (${event} cannot create it)`, {
      ref,
      event,
    });
  }
}

export class UnknownActorTypeError extends TrackOpsError {
  readonly code = 'UNKNOWN_ACTOR_TYPE' as const;
  readonly retryable = false;
}

/** The stored version moved on since this writer loaded the actor: reload and try again (fencing). */
export class StaleWriterError extends TrackOpsError {
  readonly code = 'STALE_WRITER' as const;
  readonly retryable = true;

  static of(ref: ActorRef, expectedVersion: number): StaleWriterError {
    return new StaleWriterError(`${formatRef(ref)} is no longer at version ${expectedVersion}`, {
      ref,
      expectedVersion,
    });
  }
}

/** The message id was already applied to this actor: acknowledge, do not apply again. */
export class DuplicateMessageError extends TrackOpsError {
  readonly code = 'DUPLICATE_MESSAGE' as const;
  readonly retryable = false;
}

/** A stored snapshot was written by another machine version and no migration exists: never run it silently. */
export class MachineVersionError extends TrackOpsError {
  readonly code = 'MACHINE_VERSION_MISMATCH' as const;
  readonly retryable = false;
}

/** This node does not host the actor (placement); the sender should retry, the owner will answer. */
export class NotOwnerError extends TrackOpsError {
  readonly code = 'NOT_OWNER' as const;
  readonly retryable = true;
}

export class TransportTimeoutError extends TrackOpsError {
  readonly code = 'TRANSPORT_TIMEOUT' as const;
  readonly retryable = true;
}

export class TransportUnavailableError extends TrackOpsError {
  readonly code = 'TRANSPORT_UNAVAILABLE' as const;
  readonly retryable = true;
}

export class InternalError extends TrackOpsError {
  readonly code = 'INTERNAL' as const;
  readonly retryable: boolean;

  constructor(
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, details, options);
    this.retryable = options?.retryable ?? false;
  }
}

export const errorPayloadSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  details: z.record(z.string(), z.unknown()).default({}),
});

export type ErrorPayload = z.infer<typeof errorPayloadSchema>;

const byCode: Record<string, new (message: string, details?: Record<string, unknown>) => TrackOpsError> = {
  COMMAND_REJECTED: CommandRejectedError,
  INVALID_COMMAND: InvalidCommandError,
  ACTOR_NOT_FOUND: ActorNotFoundError,
  UNKNOWN_ACTOR_TYPE: UnknownActorTypeError,
  STALE_WRITER: StaleWriterError,
  DUPLICATE_MESSAGE: DuplicateMessageError,
  MACHINE_VERSION_MISMATCH: MachineVersionError,
  NOT_OWNER: NotOwnerError,
  TRANSPORT_TIMEOUT: TransportTimeoutError,
  TRANSPORT_UNAVAILABLE: TransportUnavailableError,
};

/** Rebuilds a typed error from its wire form (a NATS reply), so callers can branch on classes and codes. */
export function errorFromPayload(payload: ErrorPayload): TrackOpsError {
  const ErrorClass = byCode[payload.code];
  if (ErrorClass) return new ErrorClass(payload.message, payload.details);
  return new InternalError(payload.message, payload.details, { retryable: payload.retryable });
}

const programmerErrors = [TypeError, RangeError, ReferenceError, SyntaxError];

/** The one place an unknown throw becomes a TrackOpsError. Programmer errors are never retryable. */
export function toTrackOpsError(error: unknown): TrackOpsError {
  if (error instanceof TrackOpsError) return error;
  if (error instanceof Error) {
    const programmerError = programmerErrors.some((kind) => error instanceof kind);
    return new InternalError(
      error.message,
      { name: error.name, stack: error.stack },
      {
        cause: error,
        retryable: !programmerError,
      },
    );
  }
  return new InternalError(String(error), {}, { retryable: false });
}
