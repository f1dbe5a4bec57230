import { type ActorRef, formatRef } from '../envelope.ts';
import type { SnapshotCachePort, StoredActor } from '../ports.ts';

/**
 * The in-memory twin of db/redis/snapshotCache.ts: an older version never replaces a newer one, and values are
 * copied through JSON as Redis would store them.
 */
export interface MemorySnapshotCache extends SnapshotCachePort {
  /** Cached actors by `formatRef(ref)`. */
  readonly entries: Map<string, StoredActor>;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createMemorySnapshotCache(): MemorySnapshotCache {
  const entries = new Map<string, StoredActor>();
  return {
    entries,
    async get(ref: ActorRef) {
      const stored = entries.get(formatRef(ref));
      return stored && copy(stored);
    },
    async put(ref, stored) {
      const key = formatRef(ref);
      if ((entries.get(key)?.version ?? 0) > stored.version) return;
      entries.set(key, copy(stored));
    },
    async delete(ref) {
      entries.delete(formatRef(ref));
    },
  };
}
