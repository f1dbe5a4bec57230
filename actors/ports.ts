import type { ActorRef, Envelope } from './envelope.ts';
import type { TimerChanges } from './timers.ts';

/**
 * The seams between the runtime core and its adapters. The core imports nothing but these; each port has a real
 * adapter (db/, bridge/) and an in-memory twin (actors/testing/) so the core is tested without I/O.
 */

/** An actor as stored: the persisted XState snapshot plus the fencing version and the machine that wrote it. */
export interface StoredActor {
  readonly machineId: string;
  readonly machineVersion: string;
  /** Increases by exactly one per committed turn; the fencing token of every write. */
  readonly version: number;
  /** `machine.getPersistedSnapshot(...)`: plain JSON. */
  readonly snapshot: PersistedSnapshot;
}

export interface PersistedSnapshot {
  readonly value: unknown;
  readonly context: unknown;
  readonly status: string;
  readonly [key: string]: unknown;
}

/** A message the turn emitted, bound for the outbox and from there for the Kafka topic named by `envelope.type`. */
export interface OutboxMessage {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly envelope: Envelope;
}

/** Everything one turn changes, committed atomically or not at all. Built by the pure `computeTurn`. */
export interface Turn {
  readonly ref: ActorRef;
  readonly machineId: string;
  readonly machineVersion: string;
  /** 0 when the turn creates the actor. */
  readonly expectedVersion: number;
  readonly version: number;
  readonly snapshot: PersistedSnapshot;
  /** The machine's state value before the turn (undefined when the turn created the actor), for the journal. */
  readonly stateBefore: unknown;
  /** The consumed message; stored as processed so a redelivery is acknowledged without being applied. */
  readonly message: Envelope;
  readonly outbox: readonly OutboxMessage[];
  /** Durable timers the turn set (delayed events) or cancelled (states left). */
  readonly timers: TimerChanges;
}

export interface PersistencePort {
  load(ref: ActorRef): Promise<StoredActor | undefined>;
  isProcessed(ref: ActorRef, messageId: string): Promise<boolean>;
  /**
   * Throws StaleWriterError on a version mismatch and DuplicateMessageError on a seen message id. `startedAt`
   * (performance.now() when the turn began) lets the journal record how long the turn took.
   */
  commitTurn(turn: Turn, timing?: { readonly startedAt: number }): Promise<void>;
}

/** A cache of stored actors for fast activation. Never the source of truth: losing it loses nothing. */
export interface SnapshotCachePort {
  get(ref: ActorRef): Promise<StoredActor | undefined>;
  put(ref: ActorRef, stored: StoredActor): Promise<void>;
  delete(ref: ActorRef): Promise<void>;
}

/** What the host of an actor answers once a message is safely persisted (or was already). */
export interface DeliveryResult {
  readonly status: 'persisted';
  readonly duplicate: boolean;
  readonly version: number;
  readonly state: unknown;
  readonly context: unknown;
}

export type DeliveryHandler = (ref: ActorRef, envelope: Envelope) => Promise<DeliveryResult>;

export interface Served {
  stop(): Promise<void>;
}

/** Request/reply to the node hosting an actor. Failures arrive as typed TrackOpsErrors. */
export interface TransportPort {
  /** Serves every actor (a single node, or tests). */
  serve(handler: DeliveryHandler): Promise<Served>;
  /** Serves the actors of one shard (a node that leased it). */
  serveShard(shard: number, handler: DeliveryHandler): Promise<Served>;
  request(ref: ActorRef, envelope: Envelope, options?: { timeoutMs?: number }): Promise<DeliveryResult>;
}

export interface ClockPort {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Which actors this node may host. A single node owns everything; a cluster leases shards. */
export interface PlacementPort {
  owns(ref: ActorRef): boolean;
}

export const systemClock: ClockPort = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export const singleNodePlacement: PlacementPort = { owns: () => true };

/** The slice of a structured logger the core uses (pino fits it). */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A stored timer that is due, claimed by one timer service for a lease. */
export interface DueTimer {
  readonly ref: ActorRef;
  readonly timerId: string;
  readonly eventType: string;
  readonly messageId: string;
  readonly dueAt: string;
}

/** The durable timers as the timer service sees them (db/timerStore.ts). */
export interface TimerStorePort {
  /** Claims up to `limit` due timers for `leaseMs`, so no other node fires them meanwhile. */
  claimDue(limit: number, leaseMs: number): Promise<DueTimer[]>;
  /** The timer fired (or was stale): delete it, unless a later turn already replaced it. */
  complete(timer: DueTimer): Promise<void>;
  /** Firing failed: keep it, release the claim after `retryInMs`, remember why. */
  fail(timer: DueTimer, error: string, retryInMs: number): Promise<void>;
  /** The earliest due time of any timer, to sleep until then. */
  nextDueAt(): Promise<Date | undefined>;
}

/** What every committed turn announces to live viewers (the visualizer, `orders.track`). */
export interface TurnCommitted {
  readonly ref: ActorRef;
  readonly version: number;
  /** Readable state (`SHIPPED`, `compensating`); `stateValue` keeps XState's own value. */
  readonly state: string;
  readonly stateValue: unknown;
  readonly context: unknown;
  readonly messageType: string;
  readonly messageId: string;
  readonly at: string;
}

/** Live, best-effort fan-out of committed turns. Durable history is the journal and Kafka, not this. */
export interface LiveUpdatesPort {
  publish(event: TurnCommitted): void;
  subscribe(
    refs: readonly ActorRef[],
    onEvent: (event: TurnCommitted) => void,
  ): Promise<{ stop(): Promise<void> }>;
}
