import type { NatsConnection } from '@nats-io/transport-node';
import type { ActorRef } from '../../actors/envelope.ts';
import type { LiveUpdatesPort, Logger, TurnCommitted } from '../../actors/ports.ts';
import { actorSubject } from './subjects.ts';

/**
 * Committed turns fanned out on `<namespace>.turns.<type>.<id>` (core NATS, fire and forget): any API node can
 * stream an actor's changes whichever node hosts it. A viewer that misses one reads the current state again.
 */
const turnsNamespace = (namespace: string): string => `${namespace}.turns`;

export function turnSubject(namespace: string, ref: ActorRef): string {
  // The same token encoding as actor subjects, without a shard: viewers do not know (or care) where it runs.
  return actorSubject(turnsNamespace(namespace), ref, 0).replace(
    `${turnsNamespace(namespace)}.actor.0.`,
    `${turnsNamespace(namespace)}.`,
  );
}

export function createNatsLiveUpdates(
  connection: NatsConnection,
  namespace: string,
  logger: Logger,
): LiveUpdatesPort {
  return {
    publish(event) {
      try {
        connection.publish(turnSubject(namespace, event.ref), JSON.stringify(event));
      } catch (error) {
        logger.debug({ err: error }, 'live update not published');
      }
    },
    async subscribe(refs, onEvent) {
      const subscriptions = refs.map((ref) =>
        connection.subscribe(turnSubject(namespace, ref), {
          callback: (error, message) => {
            if (error) return;
            try {
              onEvent(message.json<TurnCommitted>());
            } catch (parseError) {
              logger.warn({ err: parseError }, 'malformed live update ignored');
            }
          },
        }),
      );
      await connection.flush();
      return {
        async stop() {
          for (const subscription of subscriptions) subscription.unsubscribe();
        },
      };
    },
  };
}
