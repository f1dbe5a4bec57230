import type { ActorRef } from './envelope.ts';

/**
 * Actor ids map to a fixed number of shards; shards, not actors, are what nodes lease. The target owner of a shard
 * is chosen by rendezvous hashing over the live nodes: every node computes the same answer from the same member
 * list, a balanced share goes to each, and a node joining or leaving moves only the shards it gains or loses.
 */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function shardOf(ref: ActorRef, shards: number): number {
  return fnv1a(`${ref.type}/${ref.id}`) % shards;
}

/** The node that should hold `shard`: the highest-scoring live node (ties broken by node id). */
export function targetOwner(shard: number, nodes: readonly string[]): string | undefined {
  let best: { node: string; score: number } | undefined;
  for (const node of nodes) {
    // A second mixing round spreads the scores of similar node names.
    const score = fnv1a(`${fnv1a(`${node}#${shard}`)}:${shard}`);
    if (!best || score > best.score || (score === best.score && node < best.node)) best = { node, score };
  }
  return best?.node;
}

/** The shards `node` should hold given the live nodes. */
export function targetShards(node: string, nodes: readonly string[], shards: number): Set<number> {
  const mine = new Set<number>();
  for (let shard = 0; shard < shards; shard += 1) if (targetOwner(shard, nodes) === node) mine.add(shard);
  return mine;
}
