import type { ActorRef } from '../actors/envelope.ts';
import { findActor } from '../db/actorQueries.ts';
import type { Context } from './context.ts';
import { subscribeToTurns } from './liveTurns.ts';

/**
 * `actors.watch`: one actor's state as it changes, starting with its current state. It subscribes before reading,
 * and drops what is not newer than what it sent, so no turn falls between the read and the stream.
 */
export interface ActorUpdate {
  version: number;
  state: string;
  stateValue: unknown;
  context: unknown;
  /** The message that made this version (absent for the first update, read from the store). */
  messageType?: string;
  at: string;
}

export async function* watchActor(
  ctx: Context,
  ref: ActorRef,
  signal: AbortSignal | undefined,
): AsyncGenerator<ActorUpdate> {
  // Subscribed before the current state is read: a turn committed meanwhile is queued, not lost.
  const feed = await subscribeToTurns(ctx.deps.live, [ref], signal);
  try {
    let sent = 0;
    const current = await findActor(ctx.deps.orm.em.fork(), ref);
    if (current) {
      sent = current.version;
      yield {
        version: current.version,
        state: current.state,
        stateValue: current.stateValue,
        context: current.context,
        at: current.updatedAt,
      };
    }
    for await (const turn of feed.turns) {
      if (turn.version <= sent) continue;
      sent = turn.version;
      yield {
        version: turn.version,
        state: turn.state,
        stateValue: turn.stateValue,
        context: turn.context,
        messageType: turn.messageType,
        at: turn.at,
      };
    }
  } finally {
    await feed.stop();
  }
}
