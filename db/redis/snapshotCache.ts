import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ActorRef } from '../../actors/envelope.ts';
import type { SnapshotCachePort, StoredActor } from '../../actors/ports.ts';

/**
 * SnapshotCachePort over Redis: `actor:<type>:<id>` -> JSON of the StoredActor, written after each commit.
 * A cache only: a missing, corrupt or expired entry costs one PostgreSQL read, never correctness.
 */
export interface RedisSnapshotCacheOptions {
  readonly keyPrefix?: string;
  readonly ttlSeconds?: number;
}

const storedActorSchema = z.object({
  machineId: z.string(),
  machineVersion: z.string(),
  version: z.number().int().positive(),
  snapshot: z.looseObject({ value: z.unknown(), context: z.unknown(), status: z.string() }),
});

// Two nodes may put the same actor around a handover; the write of the older turn must not win. A corrupt value
// is simply replaced.
const PUT_UNLESS_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and type(stored.version) == 'number' and stored.version > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
`;

// Deletes only the exact value found corrupt, so a good value written meanwhile survives.
const DELETE_IF_UNCHANGED = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

function parseStoredActor(raw: string): StoredActor | undefined {
  try {
    const parsed = storedActorSchema.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as StoredActor) : undefined;
  } catch {
    return undefined;
  }
}

export function createRedisSnapshotCache(
  redis: Redis,
  options: RedisSnapshotCacheOptions = {},
): SnapshotCachePort {
  const keyPrefix = options.keyPrefix ?? 'actor:';
  const ttlSeconds = options.ttlSeconds ?? 86_400;
  const keyOf = (ref: ActorRef): string => `${keyPrefix}${ref.type}:${ref.id}`;

  return {
    async get(ref) {
      const key = keyOf(ref);
      const raw = await redis.get(key);
      if (raw === null) return undefined;
      const stored = parseStoredActor(raw);
      if (!stored) await redis.eval(DELETE_IF_UNCHANGED, 1, key, raw);
      return stored;
    },
    async put(ref, stored) {
      await redis.eval(PUT_UNLESS_NEWER, 1, keyOf(ref), JSON.stringify(stored), stored.version, ttlSeconds);
    },
    async delete(ref) {
      await redis.del(keyOf(ref));
    },
  };
}
