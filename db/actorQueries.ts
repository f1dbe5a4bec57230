import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActorRef } from '../actors/envelope.ts';
import type { PersistedSnapshot } from '../actors/ports.ts';
import { ActorJournal, type ActorJournalRow } from './entities/ActorJournal.ts';
import { ActorState } from './entities/ActorState.ts';
import { ActorTimer } from './entities/ActorTimer.ts';
import { OutboxEvent } from './entities/OutboxEvent.ts';

/** Reads behind the operator tools (`actors.*`, the visualizer, `trackops actors`): times leave as ISO strings. */
export interface ActorSummary {
  type: string;
  id: string;
  state: string;
  version: number;
  /** `done` once the machine reached a final state. */
  status: string;
  updatedAt: string;
}

export interface ActorDetail extends ActorSummary {
  stateValue: unknown;
  context: unknown;
  machineVersion: string;
  createdAt: string;
}

export interface JournalEntry {
  version: number;
  messageId: string;
  messageType: string;
  correlationId: string;
  causationId: string | null;
  sentBy: string | null;
  stateBefore: string | null;
  stateAfter: string;
  emitted: string[];
  nodeId: string;
  durationMs: number;
  at: string;
}

export interface PendingTimer {
  timerId: string;
  eventType: string;
  dueAt: string;
  attempts: number;
  lastError: string | null;
}

export interface PendingEvent {
  id: string;
  type: string;
  createdAt: string;
  attempts: number;
  lastError: string | null;
}

export interface ActorFilter {
  type?: string;
  /** The readable state, e.g. `PENDING` or `compensating`. */
  state?: string;
  /** Only actors not finished whose last turn is at least this old. */
  stuckForMs?: number;
  limit: number;
}

export async function listActors(em: EntityManager, filter: ActorFilter): Promise<ActorSummary[]> {
  const where: Record<string, unknown> = {};
  if (filter.type !== undefined) where['actorType'] = filter.type;
  if (filter.state !== undefined) where['status'] = filter.state;
  if (filter.stuckForMs !== undefined) {
    where['updatedAt'] = { $lte: new Date(Date.now() - filter.stuckForMs) };
    where['snapshot'] = { status: 'active' };
  }
  const rows = await em.find(ActorState, where, { orderBy: { updatedAt: 'desc' }, limit: filter.limit });
  return rows.map(summaryOf);
}

export async function findActor(em: EntityManager, ref: ActorRef): Promise<ActorDetail | undefined> {
  const row = await em.findOne(ActorState, { actorType: ref.type, actorId: ref.id });
  if (!row) return undefined;
  return {
    ...summaryOf(row),
    stateValue: row.snapshot.value,
    context: row.snapshot.context,
    machineVersion: row.machineVersion,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Newest first; `beforeVersion` pages back through older entries. */
export async function journalOf(
  em: EntityManager,
  ref: ActorRef,
  options: { limit: number; beforeVersion?: number },
): Promise<JournalEntry[]> {
  const rows = await em.find(
    ActorJournal,
    {
      actorType: ref.type,
      actorId: ref.id,
      ...(options.beforeVersion === undefined ? {} : { version: { $lt: options.beforeVersion } }),
    },
    { orderBy: { version: 'desc' }, limit: options.limit, exclude: ['snapshot'] },
  );
  return rows.map(entryOf);
}

/** The actor as it was right after `version` (time travel), from its journal entry. */
export async function actorAt(
  em: EntityManager,
  ref: ActorRef,
  version: number,
): Promise<{ entry: JournalEntry; snapshot: PersistedSnapshot } | undefined> {
  const row = await em.findOne(ActorJournal, { actorType: ref.type, actorId: ref.id, version });
  return row ? { entry: entryOf(row), snapshot: row.snapshot } : undefined;
}

/** Every turn one correlation id touched, in order: an order's whole story across its actors. */
export async function journalByCorrelation(
  em: EntityManager,
  correlationId: string,
  limit: number,
): Promise<(JournalEntry & { actorType: string; actorId: string })[]> {
  const rows = await em.find(
    ActorJournal,
    { correlationId },
    { orderBy: { id: 'asc' }, limit, exclude: ['snapshot'] },
  );
  return rows.map((row) => ({ actorType: row.actorType, actorId: row.actorId, ...entryOf(row) }));
}

export async function pendingTimers(em: EntityManager, ref: ActorRef): Promise<PendingTimer[]> {
  const rows = await em.find(
    ActorTimer,
    { actorType: ref.type, actorId: ref.id },
    { orderBy: { dueAt: 'asc' } },
  );
  return rows.map((row) => ({
    timerId: row.timerId,
    eventType: row.eventType,
    dueAt: row.dueAt.toISOString(),
    attempts: row.attempts,
    lastError: row.lastError ?? null,
  }));
}

/** Events the actor emitted that the relay has not published yet. */
export async function pendingEvents(em: EntityManager, ref: ActorRef): Promise<PendingEvent[]> {
  const rows = await em.find(
    OutboxEvent,
    { aggregateType: ref.type, aggregateId: ref.id, publishedAt: null },
    { orderBy: { seq: 'asc' }, limit: 100 },
  );
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    createdAt: row.createdAt.toISOString(),
    attempts: row.attempts,
    lastError: row.lastError ?? null,
  }));
}

function summaryOf(row: {
  actorType: string;
  actorId: string;
  status: string;
  version: number;
  snapshot: PersistedSnapshot;
  updatedAt: Date;
}): ActorSummary {
  return {
    type: row.actorType,
    id: row.actorId,
    state: row.status,
    version: row.version,
    status: String((row.snapshot as { status?: unknown }).status ?? 'active'),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function entryOf(row: Omit<ActorJournalRow, 'snapshot' | 'id'>): JournalEntry {
  return {
    version: row.version,
    messageId: row.messageId,
    messageType: row.messageType,
    correlationId: row.correlationId,
    causationId: row.causationId ?? null,
    sentBy: row.sentBy ?? null,
    stateBefore: row.stateBefore ?? null,
    stateAfter: row.stateAfter,
    emitted: row.emitted,
    nodeId: row.nodeId,
    durationMs: Number(row.durationMs),
    at: row.at.toISOString(),
  };
}
