import { describe, expect, it } from 'vitest';
import { shardOf, targetOwner, targetShards } from './shards.ts';

describe('shards', () => {
  it('map an actor to the same shard every time, spread over all shards', () => {
    const ref = { type: 'order', id: '6c8f0e0a-1b2c-4d3e-8f90-a1b2c3d4e5f6' };
    expect(shardOf(ref, 64)).toBe(shardOf({ ...ref }, 64));
    const used = new Set(
      Array.from({ length: 2000 }, (_, index) => shardOf({ type: 'order', id: `o-${index}` }, 64)),
    );
    expect(used.size).toBe(64);
  });

  it('give every shard exactly one target owner among the live nodes, in fair shares', () => {
    const nodes = ['node-a', 'node-b', 'node-c'];
    const shares = nodes.map((node) => targetShards(node, nodes, 64));
    expect(shares.reduce((total, share) => total + share.size, 0)).toBe(64);
    for (const share of shares) expect(share.size).toBeGreaterThanOrEqual(12);
    for (let shard = 0; shard < 64; shard += 1)
      expect(shares.filter((share) => share.has(shard))).toHaveLength(1);
  });

  it('move only the shards of a node that leaves, and only to the others', () => {
    const before = Array.from({ length: 64 }, (_, shard) => targetOwner(shard, ['a', 'b', 'c']));
    const after = Array.from({ length: 64 }, (_, shard) => targetOwner(shard, ['a', 'c']));
    for (let shard = 0; shard < 64; shard += 1) {
      if (before[shard] !== 'b') expect(after[shard]).toBe(before[shard]);
      else expect(['a', 'c']).toContain(after[shard]);
    }
  });

  it('give a single node every shard', () => {
    expect(targetShards('solo', ['solo'], 16).size).toBe(16);
  });
});
