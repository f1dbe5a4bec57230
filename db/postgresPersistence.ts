import {
  ConnectionException,
  DeadlockException,
  DriverException,
  LockWaitTimeoutException,
  type MikroORM,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql';
import { formatRef } from '../actors/envelope.ts';
import { DuplicateMessageError, InternalError, StaleWriterError } from '../actors/errors.ts';
import type { PersistedSnapshot, PersistencePort, StoredActor, Turn } from '../actors/ports.ts';
import { ProcessedMessage } from './entities/ProcessedMessage.ts';
import { createGroupCommit } from './groupCommit.ts';
import { pooledQueryFor } from './pooledQuery.ts';
import type { ProjectionWriters } from './projections/projectionWriters.ts';
import {
  buildTurnsStatement,
  createTableCatalog,
  STALE_WRITER_SQLSTATE,
  type TurnToCommit,
} from './turnStatement.ts';

/**
 * PersistencePort over PostgreSQL: turns are committed as atomic statements (db/turnStatement.ts: version-checked
 * state, processed id, outbox rows, timers, read model, journal entry, wake-ups), several actors' turns together
 * when they are ready at once (db/groupCommit.ts). Driver errors are translated here, so the core sees only
 * TrackOps errors.
 */
export interface PostgresPersistenceOptions {
  readonly orm: MikroORM;
  readonly projections: ProjectionWriters;
  /** Recorded in each journal entry: the node that applied the turn. */
  readonly nodeId: string;
  /** Group commit: statements in flight at once (default 2) and turns per statement (default 64). */
  readonly commitConcurrency?: number;
  readonly commitBatch?: number;
  /** Told the number of turns of each statement. */
  readonly onCommitBatch?: (turns: number) => void;
}

export function createPostgresPersistence({
  orm,
  projections,
  nodeId,
  commitConcurrency = 2,
  commitBatch = 64,
  onCommitBatch,
}: PostgresPersistenceOptions): PersistencePort {
  const tableOf = createTableCatalog(orm.getMetadata());
  const query = pooledQueryFor(orm);
  const commit = createGroupCommit<TurnToCommit>({
    maxInFlight: commitConcurrency,
    maxBatch: commitBatch,
    ...(onCommitBatch === undefined ? {} : { onBatch: onCommitBatch }),
    async commit(batch) {
      const statement = buildTurnsStatement(batch, nodeId, tableOf);
      try {
        await query(statement.text, statement.values);
      } catch (error) {
        // Only a turn committed alone learns why: a batch's failure makes the group commit retry them one by one.
        throw batch.length === 1 ? translateDriverError(error, (batch[0] as TurnToCommit).turn) : error;
      }
    },
  });
  return {
    async load(ref) {
      const [row] = await query<StoredActorRow>(
        `select machine_id, machine_version, version, snapshot from actor_state
          where actor_type = $1 and actor_id = $2`,
        [ref.type, ref.id],
      );
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
      await commit({ turn, readModel, durationMs });
    },
  };
}

interface StoredActorRow {
  machine_id: string;
  machine_version: string;
  /** bigint: pg returns it as text. */
  version: string;
  snapshot: PersistedSnapshot;
}

const toStoredActor = (row: StoredActorRow): StoredActor => ({
  machineId: row.machine_id,
  machineVersion: row.machine_version,
  version: Number(row.version),
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
  // The driver's SQLSTATE travels in `code` (MikroORM copies the pg error's fields).
  if (error.code === STALE_WRITER_SQLSTATE) {
    return StaleWriterError.of(ref, turn.expectedVersion);
  }
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
