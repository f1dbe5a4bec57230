import { describe, expect, it } from 'vitest';
import { registry } from '../machines/registry.ts';
import { type ActorSystemOptions, createActorSystem } from './actorSystem.ts';
import { createEnvelope, formatRef } from './envelope.ts';
import { CommandRejectedError, NotOwnerError, StaleWriterError, UnknownActorTypeError } from './errors.ts';
import { createManualClock } from './testing/manualClock.ts';
import { createMemoryPersistence } from './testing/memoryPersistence.ts';
import { createMemorySnapshotCache } from './testing/memorySnapshotCache.ts';
import { cancelMessage, confirmMessage, createOrderMessage } from './testing/orderFixtures.ts';

const orderRef = (id: string = crypto.randomUUID()) => ({ type: 'order', id });

function harness(overrides: Partial<ActorSystemOptions> = {}) {
  const persistence = createMemoryPersistence();
  const cache = createMemorySnapshotCache();
  const clock = createManualClock();
  const system = createActorSystem({ registry, persistence, cache, clock, idleMs: 1000, ...overrides });
  return { persistence, cache, clock, system };
}

describe('when messages for one actor arrive concurrently', () => {
  it('then they are applied one at a time in arrival order, with contiguous versions and no lost update', async () => {
    const { system, persistence } = harness();
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    const outcomes = await Promise.allSettled([
      system.deliver(ref, confirmMessage()),
      system.deliver(ref, createEnvelope({ type: 'order.process', payload: {} })),
      system.deliver(ref, cancelMessage('changed my mind')),
      system.deliver(ref, confirmMessage()),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect(persistence.committed.map((turn) => turn.version)).toEqual([1, 2, 3, 4]);
    expect(persistence.committed.map((turn) => turn.snapshot.value)).toEqual([
      'PENDING',
      'CONFIRMED',
      'PROCESSING',
      'CANCELLED',
    ]);
    const last = outcomes[3];
    expect(last?.status === 'rejected' && last.reason).toBeInstanceOf(CommandRejectedError);
  });
});

describe('when a message id was already applied', () => {
  it('then it is acknowledged as a duplicate and not applied again', async () => {
    const { system, persistence } = harness();
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    const confirm = confirmMessage();
    const first = await system.deliver(ref, confirm);
    const again = await system.deliver(ref, confirm);
    expect(first).toMatchObject({ duplicate: false, version: 2, state: 'CONFIRMED' });
    expect(again).toMatchObject({ duplicate: true, version: 2, state: 'CONFIRMED' });
    expect(persistence.committed).toHaveLength(2);
    expect(persistence.outbox.map((event) => event.envelope.type)).toEqual([
      'order.created',
      'order.status.updated',
    ]);
  });

  it('then a repeated create is a duplicate too, not a conflict', async () => {
    const { system } = harness();
    const ref = orderRef();
    const create = createOrderMessage();
    await system.deliver(ref, create);
    await expect(system.deliver(ref, create)).resolves.toMatchObject({ duplicate: true, version: 1 });
  });

  it('then one the state would still accept is refused by the commit and answered as a duplicate', async () => {
    const { system, persistence } = harness();
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    const confirm = confirmMessage();
    await system.deliver(ref, confirm);
    // Another node's copy of the actor, loaded at version 2 (CONFIRMED) by a redelivery of the confirm...
    const other = createActorSystem({ registry, persistence, cache: createMemorySnapshotCache() });
    await expect(other.deliver(ref, confirm)).resolves.toMatchObject({ duplicate: true, version: 2 });
    // ...gets a cancel this node already applied: CONFIRMED accepts a cancel, the commit refuses the duplicate.
    const cancel = cancelMessage('changed my mind');
    await system.deliver(ref, cancel);
    await expect(other.deliver(ref, cancel)).resolves.toMatchObject({ duplicate: true, version: 3 });
    expect(persistence.committed).toHaveLength(3);
  });

  it('then a new message costs no read of the processed ids (the commit is the check)', async () => {
    const { system, persistence } = harness();
    let reads = 0;
    const isProcessed = persistence.isProcessed.bind(persistence);
    persistence.isProcessed = (ref, id) => {
      reads += 1;
      return isProcessed(ref, id);
    };
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    await system.deliver(ref, confirmMessage());
    expect(reads).toBe(0);
  });
});

describe('when another writer moved the actor on (fencing)', () => {
  it('then the stale turn is rejected by the version check, the actor reloads and the turn is recomputed', async () => {
    const { system, persistence } = harness();
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    // Another node applies a turn behind this node's back: the in-memory copy is now stale.
    const other = createActorSystem({ registry, persistence, cache: createMemorySnapshotCache() });
    await other.deliver(ref, confirmMessage());
    const result = await system.deliver(ref, createEnvelope({ type: 'order.process', payload: {} }));
    expect(result).toMatchObject({ version: 3, state: 'PROCESSING' });
    expect(persistence.states.get(formatRef(ref))?.version).toBe(3);
  });

  it('then after the retry budget the StaleWriterError surfaces and nothing is written', async () => {
    const { system, persistence } = harness({ maxStaleRetries: 2 });
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    const commit = persistence.commitTurn.bind(persistence);
    persistence.commitTurn = async (turn) => {
      persistence.simulateConcurrentWrite(ref); // someone always wins the race
      return commit(turn);
    };
    await expect(system.deliver(ref, confirmMessage())).rejects.toBeInstanceOf(StaleWriterError);
    expect(persistence.outbox.map((event) => event.envelope.type)).toEqual(['order.created']);
  });
});

it('then a node that lost the shard while the turn ran does not retry it: the sender goes to the new holder', async () => {
  let ownsShard = true;
  const fenced: string[] = [];
  const { system, persistence } = harness({
    placement: { owns: () => ownsShard },
    onTurnFenced: (ref) => fenced.push(formatRef(ref)),
  });
  const ref = orderRef();
  await system.deliver(ref, createOrderMessage());
  const commit = persistence.commitTurn.bind(persistence);
  persistence.commitTurn = async (turn) => {
    // Paused past its lease: the new holder applied a turn, and this node's lease has lapsed meanwhile.
    persistence.simulateConcurrentWrite(ref);
    ownsShard = false;
    return commit(turn);
  };
  await expect(system.deliver(ref, confirmMessage())).rejects.toBeInstanceOf(NotOwnerError);
  expect(fenced).toEqual([formatRef(ref)]);
  expect(persistence.outbox.map((event) => event.envelope.type)).toEqual(['order.created']);
  expect(system.isLive(ref)).toBe(true);
});

describe('when the cache is behind the store', () => {
  it('then a command is never rejected on the word of the cache', async () => {
    const { system, persistence, cache } = harness();
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    const stale = await cache.get(ref);
    await system.deliver(ref, confirmMessage());
    await system.stop();
    // The cache lost the last write (say Redis failed after commit): it still says PENDING, the store CONFIRMED.
    if (stale) cache.entries.set(formatRef(ref), stale);
    const fresh = createActorSystem({ registry, persistence, cache });
    await expect(
      fresh.deliver(ref, createEnvelope({ type: 'order.process', payload: {} })),
    ).resolves.toMatchObject({
      state: 'PROCESSING',
      version: 3,
    });
  });

  it('then a creating message that misses the cache creates the actor without reading the store', async () => {
    const sources: string[] = [];
    const { system, persistence } = harness({ onActivated: (_ref, source) => sources.push(source) });
    let storeReads = 0;
    const load = persistence.load.bind(persistence);
    persistence.load = (ref) => {
      storeReads += 1;
      return load(ref);
    };

    await expect(system.deliver(orderRef(), createOrderMessage())).resolves.toMatchObject({ version: 1 });

    expect(storeReads).toBe(0);
    expect(sources).toEqual(['assumed']);
  });

  it('then a creating message for an actor the cache lost is refused by the commit and answered from the store', async () => {
    const { system, persistence, cache } = harness();
    const ref = orderRef();
    const create = createOrderMessage();
    await system.deliver(ref, create);
    await system.deliver(ref, confirmMessage());
    await system.stop();
    cache.entries.clear();
    const fresh = createActorSystem({ registry, persistence, cache });

    // Redelivered: a duplicate, answered with the stored state.
    await expect(fresh.deliver(ref, create)).resolves.toMatchObject({
      duplicate: true,
      version: 2,
      state: 'CONFIRMED',
    });
    await fresh.stop();
    cache.entries.clear();
    const again = createActorSystem({ registry, persistence, cache });
    // A second, different create: rejected on the stored state, exactly as with a warm cache.
    await expect(again.deliver(ref, createOrderMessage())).rejects.toBeInstanceOf(CommandRejectedError);
    expect(persistence.committed).toHaveLength(2);
    expect(persistence.outbox.map((event) => event.envelope.type)).toEqual([
      'order.created',
      'order.status.updated',
    ]);
  });

  it('then a failing cache does not fail the turn', async () => {
    const { persistence } = harness();
    const failing = {
      get: () => Promise.reject(new Error('redis down')),
      put: () => Promise.reject(new Error('redis down')),
      delete: () => Promise.reject(new Error('redis down')),
    };
    const system = createActorSystem({ registry, persistence, cache: failing });
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    await expect(system.deliver(ref, confirmMessage())).resolves.toMatchObject({ state: 'CONFIRMED' });
  });
});

describe('bounded memory', () => {
  it('an idle actor passivates after the idle time and reactivates from storage', async () => {
    const { system, clock } = harness();
    const ref = orderRef();
    await system.deliver(ref, createOrderMessage());
    expect(system.isLive(ref)).toBe(true);
    clock.advance(999);
    expect(system.isLive(ref)).toBe(true);
    clock.advance(1);
    expect(system.isLive(ref)).toBe(false);
    await expect(system.deliver(ref, confirmMessage())).resolves.toMatchObject({
      version: 2,
      state: 'CONFIRMED',
    });
  });

  it('the number of live actors is capped, least recently used first', async () => {
    const { system } = harness({ maxLive: 2 });
    const [a, b, c] = [orderRef(), orderRef(), orderRef()];
    await system.deliver(a, createOrderMessage());
    await system.deliver(b, createOrderMessage());
    await system.deliver(a, confirmMessage()); // a is now the most recently used
    await system.deliver(c, createOrderMessage());
    expect(system.liveCount).toBe(2);
    expect([system.isLive(a), system.isLive(b), system.isLive(c)]).toEqual([true, false, true]);
  });
});

describe('addressing', () => {
  it('an unknown actor type is a typed error', async () => {
    const { system } = harness();
    await expect(system.deliver({ type: 'spaceship', id: '1' }, confirmMessage())).rejects.toBeInstanceOf(
      UnknownActorTypeError,
    );
  });

  it('a node that does not own the actor refuses it', async () => {
    const { system } = harness({ placement: { owns: () => false } });
    await expect(system.deliver(orderRef(), createOrderMessage())).rejects.toBeInstanceOf(NotOwnerError);
  });
});
