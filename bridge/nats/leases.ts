import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../../actors/ports.ts';
import { targetOwner } from '../../actors/shards.ts';

/**
 * Leases on named resources (the actor shards, and `relay`), kept in NATS JetStream KV. A node announces itself in
 * the members bucket; every node computes the same target owner for each resource (rendezvous hashing over the live
 * members) and acquires its targets with create-if-absent, renews them with compare-and-set on the revision, and
 * releases the ones that should move after draining them. A lease left by a dead node expires with the bucket TTL.
 * Two holders at once cannot happen through the KV. A node also stops counting a lease as its own once a TTL has
 * passed since the renewal it last sent (the KV has expired it by then), so a paused node that wakes up refuses work
 * before its renewal has even failed; a turn it had already begun is rejected by PostgreSQL's version check (the fence).
 */
export interface LeaseOptions {
  readonly connection: NatsConnection;
  readonly namespace: string;
  readonly nodeId: string;
  readonly resources: readonly string[];
  readonly ttlMs: number;
  readonly logger: Logger;
  /** Start serving the resource (subscribe, start the relay). */
  readonly onAcquire: (resource: string) => Promise<void>;
  /** Stop serving it: drain in-flight work, passivate. Called before a release, and when a lease is lost. */
  readonly onRelease: (resource: string) => Promise<void>;
}

export interface Leases {
  start(): Promise<void>;
  /** Releases everything (draining first) and leaves the membership, so the others take over at once. */
  stop(): Promise<void>;
  holds(resource: string): boolean;
  held(): string[];
  /** One pass of the lease loop (tests call it to converge without waiting). */
  rebalance(): Promise<void>;
}

export function createLeases(options: LeaseOptions): Leases {
  const { nodeId, logger } = options;
  /** resource -> the lease's KV revision, and the monotonic time the request that wrote it was sent. */
  const held = new Map<string, { revision: number; sentAt: number }>();
  /** Resources being drained for a handover: still ours (and renewed) until their lease is deleted. */
  const releasing = new Set<string>();
  let members: KV | undefined;
  let leases: KV | undefined;
  const timers = new Set<NodeJS.Timeout>();
  let running: Promise<void> = Promise.resolve();
  let renewing: Promise<void> = Promise.resolve();
  let stopped = false;

  async function openBuckets(): Promise<void> {
    const kvm = new Kvm(options.connection);
    const bucket = (name: string) =>
      kvm.create(`${options.namespace}_${name}`, { ttl: options.ttlMs, history: 1 });
    members = await bucket('members');
    leases = await bucket('leases');
  }

  async function liveMembers(): Promise<string[]> {
    const names: string[] = [];
    for await (const key of await (members as KV).keys()) names.push(key);
    return names.includes(nodeId) ? names : [...names, nodeId];
  }

  async function renew(resource: string, revision: number): Promise<void> {
    const sentAt = performance.now();
    try {
      held.set(resource, { revision: await (leases as KV).update(resource, nodeId, revision), sentAt });
    } catch (error) {
      if (releasing.has(resource)) return; // being handed over already
      // One line per lease, without a stack: a paused node that wakes up loses every lease at once.
      logger.warn(
        { resource, reason: error instanceof Error ? error.message : String(error) },
        'lease lost; stopping to serve it',
      );
      held.delete(resource);
      await options.onRelease(resource);
    }
  }

  async function release(resource: string): Promise<void> {
    releasing.add(resource);
    await options.onRelease(resource);
    const revision = held.get(resource)?.revision;
    held.delete(resource);
    await (leases as KV)
      .delete(resource, revision === undefined ? {} : { previousSeq: revision })
      .catch(() => undefined);
    releasing.delete(resource);
  }

  async function acquire(resource: string): Promise<void> {
    const sentAt = performance.now();
    let revision: number;
    try {
      revision = await (leases as KV).create(resource, nodeId);
    } catch {
      return; // someone holds it: it will be released, or expire
    }
    held.set(resource, { revision, sentAt });
    await options.onAcquire(resource);
  }

  /** Renewals run on their own beat: a slow handover (draining a busy shard) must not let other leases expire. */
  async function renewAll(): Promise<void> {
    if (stopped || !members || !leases) return;
    await members.put(nodeId, new Date().toISOString());
    await Promise.all([...held].map(([resource, lease]) => renew(resource, lease.revision)));
  }

  async function rebalance(): Promise<void> {
    if (stopped || !members || !leases) return;
    const nodes = await liveMembers();
    for (const resource of options.resources) {
      const mine = targetOwner(resource.length > 0 ? hashIndex(resource) : 0, nodes) === nodeId;
      if (held.has(resource) && !mine) await release(resource);
      else if (!held.has(resource) && mine) await acquire(resource);
    }
  }

  const beat = Math.max(100, Math.floor(options.ttlMs / 3));

  /** Runs `pass` every beat, one at a time, until stopped. */
  function every(pass: () => Promise<void>, what: string, track: (running: Promise<void>) => void): void {
    const tick = setTimeout(() => {
      track(
        pass()
          .catch((error: unknown) => logger.warn({ err: error }, `${what} failed; trying again`))
          .finally(() => {
            if (!stopped) every(pass, what, track);
          }),
      );
    }, beat);
    tick.unref();
    timers.add(tick);
  }

  return {
    async start() {
      await openBuckets();
      await renewAll();
      await rebalance();
      every(rebalance, 'lease pass', (pass) => {
        running = pass;
      });
      every(renewAll, 'lease renewal', (pass) => {
        renewing = pass;
      });
    },
    async stop() {
      stopped = true;
      for (const tick of timers) clearTimeout(tick);
      await running;
      await renewing;
      for (const resource of [...held.keys()]) await release(resource);
      await members?.delete(nodeId).catch(() => undefined);
    },
    holds: (resource) => {
      const lease = held.get(resource);
      return lease !== undefined && performance.now() - lease.sentAt < options.ttlMs;
    },
    held: () => [...held.keys()],
    rebalance: () => {
      running = running.then(rebalance);
      return running;
    },
  };
}

/** Resource names are `shard-<n>` or a singleton name; each gets a stable index for rendezvous hashing. */
function hashIndex(resource: string): number {
  const shard = /^shard-(\d+)$/.exec(resource);
  if (shard?.[1]) return Number(shard[1]);
  let hash = 7;
  for (let index = 0; index < resource.length; index += 1)
    hash = (hash * 31 + resource.charCodeAt(index)) >>> 0;
  return 1_000_000 + (hash % 1_000_000);
}
