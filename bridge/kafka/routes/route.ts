import type { ActorRef, Envelope } from '../../../actors/envelope.ts';
import type { ConsumedRecord } from '../records.ts';

/** How records of one topic reach an actor. `toDelivery` throws MalformedRecordError for records it cannot route. */
export interface Route {
  /** Base topic name. */
  readonly topic: string;
  toDelivery(record: ConsumedRecord): { ref: ActorRef; envelope: Envelope };
}
