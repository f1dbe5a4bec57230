import { describe, expect, it } from 'vitest';
import type { ActorRef } from '../actors/envelope.ts';
import type { LiveUpdatesPort, TurnCommitted } from '../actors/ports.ts';
import { subscribeToTurns } from './liveTurns.ts';

/** A live-updates port in memory: `publish` reaches the current subscribers of the actor, as NATS would. */
function memoryLive() {
  const subscribers = new Set<{ refs: readonly ActorRef[]; onEvent: (event: TurnCommitted) => void }>();
  const live: LiveUpdatesPort = {
    publish(event) {
      for (const subscriber of subscribers) {
        if (subscriber.refs.some((ref) => ref.type === event.ref.type && ref.id === event.ref.id))
          subscriber.onEvent(event);
      }
    },
    async subscribe(refs, onEvent) {
      const subscriber = { refs, onEvent };
      subscribers.add(subscriber);
      return { stop: async () => void subscribers.delete(subscriber) };
    },
  };
  return { live, subscribers };
}

const ref = { type: 'order', id: 'o-1' };
const turn = (version: number, state: string): TurnCommitted => ({
  ref,
  version,
  state,
  stateValue: state,
  context: {},
  messageType: 'order.confirm',
  messageId: `m-${version}`,
  at: new Date(0).toISOString(),
});

describe('when turns commit after the subscription but before the stream is read', () => {
  it('then they are queued and read in order, none lost (a stream reads the current state in that gap)', async () => {
    const { live, subscribers } = memoryLive();
    const feed = await subscribeToTurns(live, [ref], undefined);
    // The gap: the stream is still reading the current state when these commit.
    live.publish(turn(2, 'CONFIRMED'));
    live.publish(turn(3, 'PROCESSING'));

    const read: number[] = [];
    for await (const event of feed.turns) {
      read.push(event.version);
      if (read.length === 2) break;
    }
    expect(read).toEqual([2, 3]);

    await feed.stop();
    expect(subscribers.size).toBe(0);
  });
});
