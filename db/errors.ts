import { TrackOpsError } from '../actors/errors.ts';

/** A list cursor that this server did not issue (or that was altered): the client should restart the listing. */
export class InvalidCursorError extends TrackOpsError {
  readonly code = 'INVALID_CURSOR' as const;
  readonly retryable = false;
}
