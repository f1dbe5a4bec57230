import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../actors/envelope.ts';
import type { SnapshotCachePort, StoredActor } from '../../actors/ports.ts';
import { createMemorySnapshotCache } from '../../actors/testing/memorySnapshotCache.ts';
import { createRedisSnapshotCache } from '../../db/redis/snapshotCache.ts';
import { testConfig } from '../support/testConfig.ts';

/** The Redis snapshot cache against a real Redis, and the behaviours its in-memory twin must share. */
const newRef = (): ActorRef => ({ type: 'order', id: crypto.randomUUID() });

function storedAt(version: number): StoredActor {
  return {
    machineId: 'order',
    machineVersion: '1',
    version,
    snapshot: {
      value: 'PENDING',
      context: { step: version, note: 'données' },
      status: 'active',
      children: {},
    },
  };
}

let redis: Redis;
const usedKeys: string[] = [];

beforeAll(() => {
  redis = new Redis(testConfig().REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  if (usedKeys.length > 0) await redis.del(...usedKeys);
  await redis.quit();
});

/** Keys the Redis adapter writes under its default prefix, remembered for clean-up. */
const keyOf = (ref: ActorRef): string => {
  const key = `actor:${ref.type}:${ref.id}`;
  usedKeys.push(key);
  return key;
};

describe.each([
  ['in-memory twin', () => createMemorySnapshotCache()],
  ['Redis adapter', () => createRedisSnapshotCache(redis)],
])('SnapshotCachePort contract: %s', (_name, createCache: () => SnapshotCachePort) => {
  let cache: SnapshotCachePort;
  beforeAll(() => {
    cache = createCache();
  });

  it('when nothing was put, then get misses', async () => {
    expect(await cache.get(newRef())).toBeUndefined();
  });

  it('when an actor is put, then get returns it unchanged', async () => {
    const ref = newRef();
    keyOf(ref);
    await cache.put(ref, storedAt(3));
    expect(await cache.get(ref)).toEqual(storedAt(3));
  });

  it('when an older version is put after a newer one, then the newer one stays', async () => {
    const ref = newRef();
    keyOf(ref);
    await cache.put(ref, storedAt(5));
    await cache.put(ref, storedAt(4));
    expect((await cache.get(ref))?.version).toBe(5);

    await cache.put(ref, storedAt(6));
    expect((await cache.get(ref))?.version).toBe(6);
  });

  it('when puts of many versions race, then the highest version wins', async () => {
    const ref = newRef();
    keyOf(ref);
    const versions = [7, 2, 9, 1, 8, 3, 10, 4, 6, 5];
    await Promise.all(versions.map((version) => cache.put(ref, storedAt(version))));
    expect((await cache.get(ref))?.version).toBe(10);
  });

  it('when an actor is deleted, then get misses', async () => {
    const ref = newRef();
    keyOf(ref);
    await cache.put(ref, storedAt(1));
    await cache.delete(ref);
    expect(await cache.get(ref)).toBeUndefined();
  });
});

describe('Redis snapshot cache', () => {
  it('when an actor is put, then it lives at actor:<type>:<id> with the configured time to live', async () => {
    const ref = newRef();
    const key = keyOf(ref);
    await createRedisSnapshotCache(redis, { ttlSeconds: 120 }).put(ref, storedAt(1));

    expect(JSON.parse((await redis.get(key)) ?? 'null')).toEqual(storedAt(1));
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('when a key prefix is given, then keys use it', async () => {
    const ref = newRef();
    const key = `test-prefix:${ref.type}:${ref.id}`;
    usedKeys.push(key);
    await createRedisSnapshotCache(redis, { keyPrefix: 'test-prefix:' }).put(ref, storedAt(2));
    expect(await redis.exists(key)).toBe(1);
  });

  it.each([
    ['not JSON', '{"machineId":'],
    ['JSON of the wrong shape', JSON.stringify({ version: 'three', snapshot: null })],
    ['a negative version', JSON.stringify({ ...storedAt(1), version: -1 })],
  ])('when the stored value is %s, then get misses and deletes it', async (_what, corrupt) => {
    const ref = newRef();
    const key = keyOf(ref);
    await redis.set(key, corrupt);

    expect(await createRedisSnapshotCache(redis).get(ref)).toBeUndefined();
    expect(await redis.exists(key)).toBe(0);
  });

  it('when the stored value is corrupt, then a put replaces it whatever its version', async () => {
    const ref = newRef();
    const key = keyOf(ref);
    await redis.set(key, 'garbage');
    const cache = createRedisSnapshotCache(redis);

    await cache.put(ref, storedAt(1));
    expect(await cache.get(ref)).toEqual(storedAt(1));
  });
});
