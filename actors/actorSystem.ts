import { type ActivationPorts, type ActivationSource, loadActor } from './activation.ts';
import type { ActorDefinition, ActorRegistry } from './actorDefinition.ts';
import { type ActorRef, type Envelope, formatRef } from './envelope.ts';
import { DuplicateMessageError, NotOwnerError, StaleWriterError, UnknownActorTypeError } from './errors.ts';
import { Mailbox } from './mailbox.ts';
import {
  type ClockPort,
  type DeliveryResult,
  type Logger,
  type PersistencePort,
  type PlacementPort,
  type SnapshotCachePort,
  type StoredActor,
  silentLogger,
  singleNodePlacement,
  systemClock,
  type Turn,
} from './ports.ts';
import { computeTurn } from './turn.ts';

/**
 * The actor system of one node: routes each delivered message to its actor's mailbox, activates the actor on
 * demand, runs the turn and commits it, then refreshes the cache. Idle actors passivate and the number of live
 * actors is capped (least recently used first), so memory stays bounded whatever the number of orders.
 */
export interface ActorSystemOptions {
  readonly registry: ActorRegistry;
  readonly persistence: PersistencePort;
  readonly cache: SnapshotCachePort;
  readonly clock?: ClockPort;
  readonly placement?: PlacementPort;
  readonly logger?: Logger;
  readonly idleMs?: number;
  readonly maxLive?: number;
  /** How often a turn is recomputed after losing a version race before the stale-writer error surfaces. */
  readonly maxStaleRetries?: number;
  /** `durationMs`: from the moment the actor took the message to the commit, activation included. */
  readonly onTurnCommitted?: (turn: Turn, durationMs: number) => void;
  /** An actor was loaded into memory: from the cache, from the store, or not found (a new actor). */
  readonly onActivated?: (ref: ActorRef, source: ActivationSource) => void;
  readonly onPassivated?: (ref: ActorRef) => void;
  /** A turn lost the version race (another writer committed first) and was not applied. */
  readonly onTurnFenced?: (ref: ActorRef) => void;
}

export interface ActorSystem {
  deliver(ref: ActorRef, envelope: Envelope): Promise<DeliveryResult>;
  readonly liveCount: number;
  /** Messages accepted and not yet answered, over all live actors (the mailboxes' depth). */
  readonly pendingMessages: number;
  isLive(ref: ActorRef): boolean;
  /** Lets the matching live actors finish what they accepted, then drops them from memory (a shard handover). */
  passivateWhere(matches: (ref: ActorRef) => boolean): Promise<void>;
  /** Waits for every accepted message to finish, then passivates everything. */
  stop(): Promise<void>;
}

interface LiveActor {
  readonly ref: ActorRef;
  readonly definition: ActorDefinition;
  readonly mailbox: Mailbox;
  stored: StoredActor | undefined;
  loaded: boolean;
  idleTimer: unknown;
}

const keyOf = (ref: ActorRef): string => `${ref.type}\u0000${ref.id}`;

export function createActorSystem(options: ActorSystemOptions): ActorSystem {
  const clock = options.clock ?? systemClock;
  const placement = options.placement ?? singleNodePlacement;
  const logger = options.logger ?? silentLogger;
  const idleMs = options.idleMs ?? 60_000;
  const maxLive = options.maxLive ?? 10_000;
  const maxStaleRetries = options.maxStaleRetries ?? 3;
  const ports: ActivationPorts = { persistence: options.persistence, cache: options.cache, logger };
  const live = new Map<string, LiveActor>();

  function activate(ref: ActorRef): LiveActor {
    const key = keyOf(ref);
    const existing = live.get(key);
    if (existing) {
      live.delete(key); // re-insert: Map order is our LRU order
      live.set(key, existing);
      clock.clearTimeout(existing.idleTimer);
      return existing;
    }
    const definition = options.registry.get(ref.type);
    if (!definition) throw new UnknownActorTypeError(`unknown actor type ${ref.type}`, { ref });
    const actor: LiveActor = {
      ref,
      definition,
      mailbox: new Mailbox(),
      stored: undefined,
      loaded: false,
      idleTimer: undefined,
    };
    live.set(key, actor);
    evictBeyondCap();
    return actor;
  }

  function evictBeyondCap(): void {
    for (const [key, actor] of live) {
      if (live.size <= maxLive) return;
      if (actor.mailbox.idle) passivate(key, actor);
    }
  }

  function passivate(key: string, actor: LiveActor): void {
    clock.clearTimeout(actor.idleTimer);
    if (live.get(key) === actor) {
      live.delete(key);
      options.onPassivated?.(actor.ref);
    }
  }

  function scheduleIdle(actor: LiveActor): void {
    if (!actor.mailbox.idle) return;
    clock.clearTimeout(actor.idleTimer);
    actor.idleTimer = clock.setTimeout(() => {
      if (actor.mailbox.idle) passivate(keyOf(actor.ref), actor);
    }, idleMs);
  }

  async function handle(actor: LiveActor, envelope: Envelope): Promise<DeliveryResult> {
    // Memory or cache may be behind the store (another writer, a lost cache write). That is safe for commits (the
    // version check rejects them) but not for final answers, so a rejection is only given on freshly loaded state.
    let confirmed = false;
    // Whether this message may already be applied. Not asked up front (a read per turn): the commit refuses a
    // duplicate anyway, so only a turn that fails (rejected, or refused by the commit) asks before answering.
    let askIfProcessed = false;
    const startedAt = performance.now();
    for (let attempt = 0; attempt <= maxStaleRetries; attempt += 1) {
      if (!actor.loaded) {
        const creating = actor.definition.creation.events.includes(envelope.type);
        confirmed = (await load(actor, attempt > 0, creating)) || confirmed;
      }
      if (askIfProcessed && actor.stored && (await options.persistence.isProcessed(actor.ref, envelope.id))) {
        if (!confirmed) await load(actor, true);
        if (actor.stored) return resultOf(actor.stored, true);
      }
      let turn: Turn;
      try {
        turn = computeTurn({
          definition: actor.definition,
          ref: actor.ref,
          stored: actor.stored,
          message: envelope,
          now: new Date(clock.now()).toISOString(),
        });
      } catch (error) {
        if (!askIfProcessed) {
          askIfProcessed = true; // a redelivered message the state has moved past is a duplicate, not a rejection
          attempt -= 1;
          continue;
        }
        if (confirmed) throw error;
        confirmed = await load(actor, true);
        attempt -= 1;
        continue;
      }
      try {
        await options.persistence.commitTurn(turn, { startedAt });
      } catch (error) {
        if (!(error instanceof StaleWriterError || error instanceof DuplicateMessageError)) throw error;
        if (error instanceof StaleWriterError) options.onTurnFenced?.(actor.ref);
        askIfProcessed = true;
        actor.loaded = false;
        await forgetCached(actor.ref);
        // A node that lost the actor's shard while the turn ran (paused, partitioned) must not retry it here: the
        // sender retries on the new holder.
        if (!placement.owns(actor.ref)) {
          logger.warn(
            { actor: formatRef(actor.ref), code: error.code, correlationId: envelope.correlationId },
            'turn fenced: this node no longer hosts the actor',
          );
          throw new NotOwnerError(`this node no longer hosts ${formatRef(actor.ref)}`, { ref: actor.ref });
        }
        // Someone else wrote this actor (or this very message) since we loaded it: reload from the store.
        logger.debug(
          { actor: formatRef(actor.ref), code: error.code, attempt },
          'reloading actor after a lost race',
        );
        continue;
      }
      actor.stored = storedOf(turn);
      await refreshCache(actor.ref, actor.stored);
      options.onTurnCommitted?.(turn, performance.now() - startedAt);
      logger.debug(
        {
          actor: formatRef(actor.ref),
          version: turn.version,
          messageType: envelope.type,
          messageId: envelope.id,
          correlationId: envelope.correlationId,
        },
        'turn committed',
      );
      return resultOf(actor.stored, false);
    }
    throw StaleWriterError.of(actor.ref, actor.stored?.version ?? 0);
  }

  /**
   * Loads the actor; true when the state came from the store (authoritative), false when from the cache or assumed
   * new by a creating message (see loadActor).
   */
  async function load(actor: LiveActor, bypassCache: boolean, creating = false): Promise<boolean> {
    const loaded = await loadActor(ports, actor.definition, { ref: actor.ref, bypassCache, creating });
    options.onActivated?.(actor.ref, loaded.source);
    actor.stored = loaded.stored;
    actor.loaded = true;
    return loaded.source === 'store' || loaded.source === 'none';
  }

  async function refreshCache(ref: ActorRef, stored: StoredActor): Promise<void> {
    try {
      await options.cache.put(ref, stored);
    } catch (error) {
      logger.warn(
        { err: error, actor: formatRef(ref) },
        'snapshot cache write failed (the store has the turn)',
      );
    }
  }

  async function forgetCached(ref: ActorRef): Promise<void> {
    try {
      await options.cache.delete(ref);
    } catch (error) {
      logger.warn({ err: error, actor: formatRef(ref) }, 'snapshot cache delete failed');
    }
  }

  return {
    deliver(ref, envelope) {
      if (!placement.owns(ref)) {
        return Promise.reject(new NotOwnerError(`this node does not host ${formatRef(ref)}`, { ref }));
      }
      let actor: LiveActor;
      try {
        actor = activate(ref);
      } catch (error) {
        return Promise.reject(error);
      }
      return actor.mailbox.enqueue(() => handle(actor, envelope)).finally(() => scheduleIdle(actor));
    },
    get liveCount() {
      return live.size;
    },
    get pendingMessages() {
      let pending = 0;
      for (const actor of live.values()) pending += actor.mailbox.pending;
      return pending;
    },
    isLive: (ref) => live.has(keyOf(ref)),
    async passivateWhere(matches) {
      const leaving = [...live].filter(([, actor]) => matches(actor.ref));
      await Promise.all(leaving.map(([, actor]) => actor.mailbox.drained()));
      for (const [key, actor] of leaving) if (actor.mailbox.idle) passivate(key, actor);
    },
    async stop() {
      await Promise.all([...live.values()].map((actor) => actor.mailbox.drained()));
      for (const [key, actor] of live) passivate(key, actor);
    },
  };
}

function storedOf(turn: Turn): StoredActor {
  return {
    machineId: turn.machineId,
    machineVersion: turn.machineVersion,
    version: turn.version,
    snapshot: turn.snapshot,
  };
}

function resultOf(stored: StoredActor, duplicate: boolean): DeliveryResult {
  return {
    status: 'persisted',
    duplicate,
    version: stored.version,
    state: stored.snapshot.value,
    context: stored.snapshot.context,
  };
}
