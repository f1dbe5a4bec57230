import {
  ConnectionException,
  DeadlockException,
  DriverException,
  LockWaitTimeoutException,
  type MikroORM,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql';
import type pg from 'pg';
import { formatRef } from '../actors/envelope.ts';
import { DuplicateMessageError, InternalError, StaleWriterError } from '../actors/errors.ts';
import type { PersistencePort, StoredActor, Turn } from '../actors/ports.ts';
import { ActorState, type ActorStateRow } from './entities/ActorState.ts';
import { ProcessedMessage } from './entities/ProcessedMessage.ts';
import type { ProjectionWriters } from './projections/projectionWriters.ts';
import { buildTurnStatement, createTableCatalog } from './turnStatement.ts';

/**
 * PersistencePort over PostgreSQL: each turn is one atomic statement (db/turnStatement.ts: version-checked state,
 * processed id, outbox rows, timers, read model, journal entry, wake-ups). Driver errors are translated here, so the core sees only TrackOps errors.
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
  const tableOf = createTableCatalog(orm.getMetadata());
  const knex = orm.em.getConnection().getKnex();
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
      // Computed before anything is sent: a projection that cannot map the state fails the turn with nothing written.
      const readModel = projections[turn.ref.type]?.(turn);
      const durationMs = timing === undefined ? 0 : performance.now() - timing.startedAt;
      const statement = buildTurnStatement(turn, readModel, { nodeId, durationMs }, tableOf);
      // A pooled pg client straight from the ORM's pool: the hot path skips the query builder and hydration.
      const client = (await knex.client.acquireConnection()) as pg.PoolClient;
      let applied: number;
      try {
        const result = await client.query<{ applied: number }>(statement);
        applied = result.rows[0]?.applied ?? 0;
      } catch (error) {
        throw translateDriverError(orm.em.getDriver().convertException(error as Error), turn);
      } finally {
        knex.client.releaseConnection(client);
      }
      if (applied === 0) throw StaleWriterError.of(turn.ref, turn.expectedVersion);
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

/** The primary key that makes a message id count once per actor. */
const PROCESSED_KEY = 'processed_messages_pkey';

const TRANSIENT_FAILURES = [ConnectionException, DeadlockException, LockWaitTimeoutException];

function translateDriverError(error: unknown, turn: Turn): unknown {
  const { ref, message } = turn;
  if (!(error instanceof DriverException)) return error;
  if (error instanceof UniqueConstraintViolationException && error.message.includes(PROCESSED_KEY)) {
    return new DuplicateMessageError(`${formatRef(ref)} already applied message ${message.id}`, {
      ref,
      messageId: message.id,
    });
  }
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
