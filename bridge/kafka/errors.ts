import { TrackOpsError } from '../../actors/errors.ts';

/** A Kafka record that cannot be parsed or routed: retrying cannot help, so it goes to the dead letter topic at once. */
export class MalformedRecordError extends TrackOpsError {
  readonly code = 'MALFORMED_RECORD' as const;
  readonly retryable = false;
}

/**
 * A record whose payload or headers fail the versioned schema of its message type (machines/eventSchemas.ts), or
 * whose schema version is unknown: it never reaches an actor, and goes to the dead letter topic at once.
 */
export class InvalidEventError extends TrackOpsError {
  readonly code = 'INVALID_EVENT' as const;
  readonly retryable = false;
}
