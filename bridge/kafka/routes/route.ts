import type { ActorRef, Envelope } from '../../../actors/envelope.ts';
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
  /** When the target does not exist: the answer to publish instead of a dead letter. */
  standInWhenNotFound?(delivery: Delivery): StandInAnswer;
}
