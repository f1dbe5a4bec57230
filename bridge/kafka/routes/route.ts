import type { ActorRef, Envelope } from '../../../actors/envelope.ts';
import type { TrackOpsError } from '../../../actors/errors.ts';
import type { ConsumedRecord } from '../records.ts';

/** Where one record goes: the target actor and the message it receives. */
export interface Delivery {
  readonly ref: ActorRef;
  readonly envelope: Envelope;
}

/** A fact the router publishes on behalf of an actor that does not exist, so nobody waits forever. */
export interface StandInAnswer {
  readonly topic: string;
  readonly key: string;
  readonly envelope: Envelope;
}

/**
 * How records of one topic reach an actor. `toDelivery` throws MalformedRecordError for records it cannot route
 * and returns undefined for records that are deliberately for nobody (e.g. a saga's own cancellation).
 */
export interface Route {
  /** Base topic name. */
  readonly topic: string;
  toDelivery(record: ConsumedRecord): Delivery | undefined;
  /**
   * When the target cannot answer (it does not exist, or it was deleted): the answer to publish on its behalf
   * instead of a dead letter, so the asking saga moves on. Undefined: no stand-in, the record is a dead letter.
   */
  standIn?(delivery: Delivery, error: TrackOpsError): StandInAnswer | undefined;
  /** A rejection that is an expected outcome of a known race (logged and counted, not a dead letter). */
  expectsRejection?(error: TrackOpsError): boolean;
}
