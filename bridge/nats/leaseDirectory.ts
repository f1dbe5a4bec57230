import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ActorRef } from '../../actors/envelope.ts';
import { shardOf } from '../../actors/shards.ts';

/**
 * Read-only view of the shard leases, for tools that ask "which node hosts this actor?" (`actors.inspect`, the
 * visualizer). Any process can read it, including one that hosts no actors.
 */
export interface LeaseDirectory {
  /** The node holding the actor's shard now, or undefined while the shard has no holder. */
  hostOf(ref: ActorRef): Promise<string | undefined>;
}

export function createLeaseDirectory(options: {
  connection: NatsConnection;
  namespace: string;
  shards: number;
}): LeaseDirectory {
  let bucket: Promise<KV> | undefined;
  const leases = () => {
    bucket ??= new Kvm(options.connection).open(`${options.namespace}_leases`);
    // A failed open (no node has created the bucket yet) is tried again next time.
    bucket.catch(() => {
      bucket = undefined;
    });
    return bucket;
  };
  return {
    async hostOf(ref) {
      try {
        const entry = await (await leases()).get(`shard-${shardOf(ref, options.shards)}`);
        const holder = entry?.string();
        return holder ? holder : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
