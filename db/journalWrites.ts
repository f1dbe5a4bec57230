import type { EntityManager } from '@mikro-orm/postgresql';
import type { Turn } from '../actors/ports.ts';
import { describeStateValue } from '../actors/stateValue.ts';
import { ActorJournal } from './entities/ActorJournal.ts';

/** Appends the turn's journal entry; called inside the turn's transaction, last, so the duration covers the turn. */
export async function writeJournal(
  em: EntityManager,
  turn: Turn,
  entry: { readonly nodeId: string; readonly startedAt: number | undefined },
): Promise<void> {
  const { ref, message } = turn;
  await em.insert(ActorJournal, {
    actorType: ref.type,
    actorId: ref.id,
    version: turn.version,
    messageId: message.id,
    messageType: message.type,
    correlationId: message.correlationId,
    causationId: message.causationId ?? null,
    sentBy: message.sentBy ?? null,
    stateBefore: turn.stateBefore === undefined ? null : describeStateValue(turn.stateBefore),
    stateAfter: describeStateValue(turn.snapshot.value),
    snapshot: turn.snapshot,
    emitted: turn.outbox.map((event) => event.envelope.type),
    nodeId: entry.nodeId,
    durationMs: entry.startedAt === undefined ? 0 : performance.now() - entry.startedAt,
  });
}
