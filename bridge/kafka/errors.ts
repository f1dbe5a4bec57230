import { TrackOpsError } from '../../actors/errors.ts';

/** A Kafka record that cannot be parsed or routed: retrying cannot help, so it goes to the dead letter topic at once. */
export class MalformedRecordError extends TrackOpsError {
  readonly code = 'MALFORMED_RECORD' as const;
  readonly retryable = false;
}
