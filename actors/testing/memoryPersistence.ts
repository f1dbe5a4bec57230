import { type ActorRef, formatRef } from '../envelope.ts';
import { DuplicateMessageError, StaleWriterError } from '../errors.ts';
import type { OutboxMessage, PersistencePort, StoredActor, Turn } from '../ports.ts';
import type { TimerToSet } from '../timers.ts';

/**
 * The in-memory twin of db/postgresPersistence.ts for unit tests: same checks in the same order (duplicate
 * message, then version fence), and atomic: a failed check changes nothing. Everything it stores is copied
 * through JSON, as jsonb would, so a test cannot mutate state behind its back.
 */
export interface MemoryPersistence extends PersistencePort {
  /** Stored actors by `formatRef(ref)`. */
  readonly states: Map<string, StoredActor>;
  /** Every committed outbox message, in commit order. */
  readonly outbox: OutboxMessage[];
  /** Applied message ids by `formatRef(ref)`. */
  readonly processed: Map<string, Set<string>>;
  /** Every committed turn, in commit order (read models can be derived from these). */
  readonly committed: Turn[];
  /** Pending durable timers by `formatRef(ref)`, then timer id. */
  readonly timers: Map<string, Map<string, TimerToSet>>;
  /** Another node commits a turn for `ref` (bumping its version, or creating it at 1): the next writer is stale. */
  simulateConcurrentWrite(ref: ActorRef): void;
  /** The next commitTurn rejects with `error` and stores nothing, as a lost database connection would. */
  failNextCommit(error: Error): void;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createMemoryPersistence(): MemoryPersistence {
  const states = new Map<string, StoredActor>();
  const outbox: OutboxMessage[] = [];
  const processed = new Map<string, Set<string>>();
  const committed: Turn[] = [];
  const timers = new Map<string, Map<string, TimerToSet>>();
  let nextFailure: Error | undefined;

  function check(turn: Turn): void {
    const key = formatRef(turn.ref);
    if (turn.version !== turn.expectedVersion + 1) {
      throw new RangeError(
        `${key}: a turn must advance the version by one (${turn.expectedVersion} -> ${turn.version})`,
      );
    }
    if (processed.get(key)?.has(turn.message.id)) {
      throw new DuplicateMessageError(`${key} already applied message ${turn.message.id}`, {
        ref: turn.ref,
        messageId: turn.message.id,
      });
    }
    if ((states.get(key)?.version ?? 0) !== turn.expectedVersion)
      throw StaleWriterError.of(turn.ref, turn.expectedVersion);
  }

  function apply(turn: Turn): void {
    const key = formatRef(turn.ref);
    const { machineId, machineVersion, version, snapshot } = copy(turn);
    states.set(key, { machineId, machineVersion, version, snapshot });
    processed.set(key, (processed.get(key) ?? new Set()).add(turn.message.id));
    outbox.push(...copy(turn.outbox));
    const pending = timers.get(key) ?? new Map<string, TimerToSet>();
    for (const timerId of turn.timers.cancel) pending.delete(timerId);
    for (const timer of turn.timers.set) pending.set(timer.timerId, copy(timer));
    timers.set(key, pending);
    committed.push(copy(turn));
  }

  return {
    states,
    outbox,
    processed,
    committed,
    timers,
    async load(ref) {
      const stored = states.get(formatRef(ref));
      return stored && copy(stored);
    },
    async isProcessed(ref, messageId) {
      return processed.get(formatRef(ref))?.has(messageId) ?? false;
    },
    async commitTurn(turn) {
      const failure = nextFailure;
      nextFailure = undefined;
      if (failure) throw failure;
      check(turn);
      apply(turn);
    },
    simulateConcurrentWrite(ref) {
      const key = formatRef(ref);
      const stored = states.get(key);
      const snapshot = stored?.snapshot ?? { value: null, context: null, status: 'active' };
      states.set(key, {
        machineId: 'concurrent',
        machineVersion: '0',
        ...stored,
        snapshot,
        version: (stored?.version ?? 0) + 1,
      });
    },
    failNextCommit(error) {
      nextFailure = error;
    },
  };
}
