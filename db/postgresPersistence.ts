import {
  ConnectionException,
  DeadlockException,
  DriverException,
  type EntityManager,
  LockWaitTimeoutException,
  type MikroORM,
  raw,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql';
import { type ActorRef, formatRef } from '../actors/envelope.ts';
import {
  DuplicateMessageError,
  InternalError,
  StaleWriterError,
  type TrackOpsError,
} from '../actors/errors.ts';
import type { PersistencePort, StoredActor, Turn } from '../actors/ports.ts';
import { describeStateValue } from '../actors/stateValue.ts';
import { ActorState, type ActorStateRow } from './entities/ActorState.ts';
import { OutboxEvent } from './entities/OutboxEvent.ts';
import { ProcessedMessage } from './entities/ProcessedMessage.ts';
import { writeJournal } from './journalWrites.ts';
import { OUTBOX_CHANNEL } from './outboxStore.ts';
import type { ProjectionWriters } from './projections/projectionWriters.ts';
import { writeTimers } from './timerWrites.ts';

/**
 * PersistencePort over PostgreSQL: each turn is one transaction (processed id, version-checked state, outbox rows,
 * timers, read model, journal entry, wake-ups). Driver errors are translated here, so the core sees only TrackOps errors.
 */
export interface PostgresPersistenceOptions {
  readonly orm: MikroORM;
  readonly projections: ProjectionWriters;
  /** Recorded in each journal entry: the node that applied the turn. */
  readonly nodeId: string;
}

export function createPostgresPersistence({
  orm,
  projections,
  nodeId,
}: PostgresPersistenceOptions): PersistencePort {
  return {
    async load(ref) {
      const row = await orm.em.fork().findOne(ActorState, { actorType: ref.type, actorId: ref.id });
      return row ? toStoredActor(row) : undefined;
    },
    async isProcessed(ref, messageId) {
      const where = { actorType: ref.type, actorId: ref.id, messageId };
      return (await orm.em.fork().count(ProcessedMessage, where)) > 0;
    },
    async commitTurn(turn, timing) {
      assertNextVersion(turn);
      try {
        await orm.em.fork().transactional(async (em) => {
          await recordProcessed(em, turn);
          await writeActorState(em, turn);
          await writeOutbox(em, turn);
          await writeTimers(em, turn);
          await projections[turn.ref.type]?.(em, turn);
          await writeJournal(em, turn, { nodeId, startedAt: timing?.startedAt });
        });
      } catch (error) {
        throw translateDriverError(error, turn.ref);
      }
    },
  };
}

const toStoredActor = (row: ActorStateRow): StoredActor => ({
  machineId: row.machineId,
  machineVersion: row.machineVersion,
  version: row.version,
  snapshot: row.snapshot,
});

/** Versions are contiguous: a turn that skips one is a bug in its caller, caught before anything is written. */
function assertNextVersion(turn: Turn): void {
  if (turn.version !== turn.expectedVersion + 1) {
    throw new RangeError(
      `${formatRef(turn.ref)}: a turn must advance the version by one (${turn.expectedVersion} -> ${turn.version})`,
    );
  }
}

async function rethrowUniqueViolation(write: Promise<unknown>, toError: () => TrackOpsError): Promise<void> {
  try {
    await write;
  } catch (error) {
    throw error instanceof UniqueConstraintViolationException ? toError() : error;
  }
}

function recordProcessed(em: EntityManager, turn: Turn): Promise<void> {
  const { ref, message } = turn;
  return rethrowUniqueViolation(
    em.insert(ProcessedMessage, { actorType: ref.type, actorId: ref.id, messageId: message.id }),
    () =>
      new DuplicateMessageError(`${formatRef(ref)} already applied message ${message.id}`, {
        ref,
        messageId: message.id,
      }),
  );
}

async function writeActorState(em: EntityManager, turn: Turn): Promise<void> {
  const { ref, expectedVersion } = turn;
  const state = {
    machineId: turn.machineId,
    machineVersion: turn.machineVersion,
    version: turn.version,
    snapshot: turn.snapshot,
    status: describeStateValue(turn.snapshot.value),
  };
  if (expectedVersion === 0) {
    const insert = em.insert(ActorState, { actorType: ref.type, actorId: ref.id, ...state });
    return rethrowUniqueViolation(insert, () => StaleWriterError.of(ref, expectedVersion));
  }
  // The version in the WHERE clause is the fence: a writer that loaded an older version updates nothing.
  const where = { actorType: ref.type, actorId: ref.id, version: expectedVersion };
  const updated = await em.nativeUpdate(ActorState, where, { ...state, updatedAt: raw('now()') });
  if (updated === 0) throw StaleWriterError.of(ref, expectedVersion);
}

async function writeOutbox(em: EntityManager, turn: Turn): Promise<void> {
  if (turn.outbox.length === 0) return;
  const rows = turn.outbox.map(({ aggregateType, aggregateId, envelope }) => ({
    id: envelope.id,
    aggregateType,
    aggregateId,
    type: envelope.type,
    payload: envelope.payload ?? null,
    headers: {
      correlationId: envelope.correlationId,
      ...(envelope.causationId === undefined ? {} : { causationId: envelope.causationId }),
      schemaVersion: envelope.schemaVersion,
      occurredAt: envelope.occurredAt,
    },
  }));
  await em.insertMany(OutboxEvent, rows);
  // Delivered only if the transaction commits, so the relay wakes exactly when there is something to publish.
  await em.execute(`select pg_notify(?, '')`, [OUTBOX_CHANNEL]);
}

const TRANSIENT_FAILURES = [ConnectionException, DeadlockException, LockWaitTimeoutException];

function translateDriverError(error: unknown, ref: ActorRef): unknown {
  if (!(error instanceof DriverException)) return error;
  const retryable = TRANSIENT_FAILURES.some((kind) => error instanceof kind);
  return new InternalError(
    `${formatRef(ref)}: the turn could not be stored: ${error.message}`,
    { ref },
    {
      cause: error,
      retryable,
    },
  );
}
