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

export async function loadActor(
  ports: ActivationPorts,
  definition: ActorDefinition,
  options: { ref: ActorRef; bypassCache: boolean },
): Promise<{ stored: StoredActor | undefined; fromCache: boolean }> {
  const { ref } = options;
  const cached = options.bypassCache ? undefined : await readCache(ports, ref);
  const stored = cached ?? (await ports.persistence.load(ref));
  return { stored: stored && toCurrentVersion(definition, ref, stored), fromCache: cached !== undefined };
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
