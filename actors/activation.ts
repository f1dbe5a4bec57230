import type { ActorDefinition } from './actorDefinition.ts';
import type { ActorRef } from './envelope.ts';
import { formatRef } from './envelope.ts';
import { MachineVersionError } from './errors.ts';
import type { Logger, PersistencePort, SnapshotCachePort, StoredActor } from './ports.ts';

/**
 * Bringing an actor into memory: the cache first (fast), the store when the cache misses or fails. A stale cache
 * entry is harmless: the version check at commit rejects it and the runtime reloads from the store.
 * Snapshots of an older machine version are migrated explicitly or refused (never run on a new definition).
 */
export interface ActivationPorts {
  readonly persistence: PersistencePort;
  readonly cache: SnapshotCachePort;
  readonly logger: Logger;
}

/** Where an activation found the actor: `assumed` is a creation message's guess that it is new (see loadActor). */
export type ActivationSource = 'cache' | 'store' | 'none' | 'assumed';

export interface Activation {
  readonly stored: StoredActor | undefined;
  readonly source: ActivationSource;
}

/**
 * With `creating` (the message is one that creates this kind of actor), a cache miss is taken to mean the actor
 * is new, without reading the store: every saga creates three actors, and their store reads found nothing. A wrong
 * guess is safe: the creating commit inserts only where no state exists, so it is refused as a stale writer (or,
 * for a redelivery, as a duplicate) and the runtime reloads from the store.
 */
export async function loadActor(
  ports: ActivationPorts,
  definition: ActorDefinition,
  options: { ref: ActorRef; bypassCache: boolean; creating?: boolean },
): Promise<Activation> {
  const { ref } = options;
  const cached = options.bypassCache ? undefined : await readCache(ports, ref);
  if (cached) return { stored: toCurrentVersion(definition, ref, cached), source: 'cache' };
  if (options.creating && !options.bypassCache) return { stored: undefined, source: 'assumed' };
  const stored = await ports.persistence.load(ref);
  return stored
    ? { stored: toCurrentVersion(definition, ref, stored), source: 'store' }
    : { stored, source: 'none' };
}

async function readCache(ports: ActivationPorts, ref: ActorRef): Promise<StoredActor | undefined> {
  try {
    return await ports.cache.get(ref);
  } catch (error) {
    ports.logger.warn(
      { err: error, actor: formatRef(ref) },
      'snapshot cache read failed; loading from the store',
    );
    return undefined;
  }
}

export function toCurrentVersion(
  definition: ActorDefinition,
  ref: ActorRef,
  stored: StoredActor,
): StoredActor {
  const { machine } = definition;
  const current = String(machine.version ?? '0');
  if (stored.machineId !== machine.id) {
    throw new MachineVersionError(
      `${formatRef(ref)} was written by machine ${stored.machineId}, not ${machine.id}`,
      {
        ref,
        stored: stored.machineId,
        current: machine.id,
      },
    );
  }
  let migrated = stored;
  const seen = new Set<string>();
  while (migrated.machineVersion !== current) {
    const migration = definition.migrations[migrated.machineVersion];
    if (!migration || seen.has(migrated.machineVersion)) {
      throw new MachineVersionError(
        `${formatRef(ref)} is at ${machine.id} version ${migrated.machineVersion}; no migration leads to version ${current}`,
        { ref, storedVersion: stored.machineVersion, currentVersion: current },
      );
    }
    seen.add(migrated.machineVersion);
    migrated = { ...migrated, machineVersion: migration.to, snapshot: migration.migrate(migrated.snapshot) };
  }
  return migrated;
}
