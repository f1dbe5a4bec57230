import { EventEmitter, on } from 'node:events';
import type { ActorRef } from '../actors/envelope.ts';
import type { LiveUpdatesPort, TurnCommitted } from '../actors/ports.ts';

/**
 * The committed turns of some actors, from the moment of the call, queued until they are read. Streams subscribe
 * with it before they read the current state, so a turn that commits meanwhile waits in the queue instead of being
 * lost (an EventEmitter drops what nobody listens to; a dropped final turn would leave a stream silent for good).
 */
export interface TurnFeed {
  readonly turns: AsyncIterable<TurnCommitted>;
  stop(): Promise<void>;
}

export async function subscribeToTurns(
  live: LiveUpdatesPort,
  refs: readonly ActorRef[],
  signal: AbortSignal | undefined,
): Promise<TurnFeed> {
  const emitter = new EventEmitter();
  const queued = on(emitter, 'turn', signal ? { signal } : {});
  const subscription = await live.subscribe([...refs], (event) => emitter.emit('turn', event));
  return {
    turns: {
      async *[Symbol.asyncIterator]() {
        for await (const [event] of queued) yield event as TurnCommitted;
      },
    },
    async stop() {
      await subscription.stop();
      await queued.return?.();
    },
  };
}
