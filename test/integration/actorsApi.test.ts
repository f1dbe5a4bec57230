import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorUpdate } from '../../api/actorWatch.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** `actors.*`: list, inspect (with host node and journal), time travel, watch, trace and operator sends. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem({ ...ORDER_ACTOR_ONLY, env: { NODE_ID: 'inspect-node' } });
});

afterAll(async () => {
  await sut?.stop();
});

function codeOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
}

async function placedAndConfirmed(): Promise<string> {
  const { id } = await sut.client.orders.create.mutate(validOrderInput());
  await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
  return id;
}

describe('when an operator inspects an order actor', () => {
  it('then they see its state, context, version, host node, journal and pending work', async () => {
    const id = await placedAndConfirmed();
    const actor = await sut.client.actors.inspect.query({ type: 'order', id });
    expect(actor).toMatchObject({ type: 'order', id, state: 'CONFIRMED', version: 2, host: 'inspect-node' });
    expect(actor.context).toMatchObject({ orderId: id });
    expect((actor.context as { statusHistory: unknown[] }).statusHistory).toHaveLength(2);
    expect(actor.journal.map((entry) => [entry.version, entry.stateBefore, entry.stateAfter])).toEqual([
      [2, 'PENDING', 'CONFIRMED'],
      [1, null, 'PENDING'],
    ]);
    expect(actor.journal[1]).toMatchObject({
      messageType: 'order.create',
      emitted: ['order.created'],
      nodeId: 'inspect-node',
    });
    expect(actor.journal[0]?.durationMs).toBeGreaterThan(0);
    expect(Array.isArray(actor.timers) && Array.isArray(actor.unpublished)).toBe(true);
    expect(actor.deadLetters).toEqual([]);
  });

  it('then the state at an earlier version comes back from the journal (time travel)', async () => {
    const id = await placedAndConfirmed();
    const first = await sut.client.actors.at.query({ type: 'order', id, version: 1 });
    expect(first).toMatchObject({ version: 1, stateAfter: 'PENDING', stateValue: 'PENDING' });
    expect((first.context as { statusHistory: unknown[] }).statusHistory).toHaveLength(1);
    await expect(sut.client.actors.at.query({ type: 'order', id, version: 9 })).rejects.toSatisfy(
      (error) => codeOf(error) === 'NOT_FOUND',
    );
  });

  it('then a missing actor is NOT_FOUND and an unknown type is BAD_REQUEST', async () => {
    await expect(
      sut.client.actors.inspect.query({ type: 'order', id: crypto.randomUUID() }),
    ).rejects.toSatisfy((error) => codeOf(error) === 'NOT_FOUND');
    await expect(sut.client.actors.inspect.query({ type: 'spaceship', id: 'x' })).rejects.toSatisfy(
      (error) => codeOf(error) === 'BAD_REQUEST',
    );
  });
});

describe('when an operator lists actors', () => {
  it('then filters by type and state, and finds stuck ones by the age of their last turn', async () => {
    const id = await placedAndConfirmed();
    const confirmed = await sut.client.actors.list.query({ type: 'order', state: 'CONFIRMED', limit: 500 });
    expect(confirmed.some((actor) => actor.id === id)).toBe(true);
    expect(confirmed.every((actor) => actor.type === 'order' && actor.state === 'CONFIRMED')).toBe(true);
    const stuckNow = await sut.client.actors.list.query({ type: 'order', stuckForMs: 0, limit: 500 });
    expect(stuckNow.some((actor) => actor.id === id)).toBe(true);
    const stuckForAnHour = await sut.client.actors.list.query({ type: 'order', stuckForMs: 3_600_000 });
    expect(stuckForAnHour.some((actor) => actor.id === id)).toBe(false);
  });
});

describe('when an operator sends an event to an actor', () => {
  it('then it is applied like any message and the journal records who sent it', async () => {
    const id = await placedAndConfirmed();
    const result = await sut.client.actors.send.mutate({
      type: 'order',
      id,
      event: { type: 'order.process' },
      sentBy: 'ops:alice',
    });
    expect(result).toMatchObject({ version: 3, state: 'PROCESSING', duplicate: false });
    const [latest] = await sut.client.actors.journal.query({ type: 'order', id, limit: 1 });
    expect(latest).toMatchObject({ version: 3, messageType: 'order.process', sentBy: 'ops:alice' });
  });

  it('then an event the state does not accept is a CONFLICT and changes nothing', async () => {
    const id = await placedAndConfirmed();
    await expect(
      sut.client.actors.send.mutate({ type: 'order', id, event: { type: 'order.deliver' } }),
    ).rejects.toSatisfy((error) => codeOf(error) === 'CONFLICT');
    expect((await sut.client.actors.inspect.query({ type: 'order', id })).version).toBe(2);
  });
});

describe('when a client watches an actor', () => {
  it('then it gets the current state, then each committed turn', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const updates: Pick<ActorUpdate, 'version' | 'state' | 'messageType'>[] = [];
    const subscription = sut.client.actors.watch.subscribe(
      { type: 'order', id },
      { onData: (update) => updates.push(update) },
    );
    try {
      await waitFor(() => updates.length > 0, { what: 'the current state streamed' });
      await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
      await waitFor(() => updates.length >= 2, { what: 'the confirm streamed' });
      expect(updates.map((update) => [update.version, update.state])).toEqual([
        [1, 'PENDING'],
        [2, 'CONFIRMED'],
      ]);
      expect(updates[1]?.messageType).toBe('order.confirm');
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('when an operator follows a correlation id', () => {
  it('then the trace lists every turn it caused, in order', async () => {
    const id = await placedAndConfirmed();
    const [create] = (await sut.client.actors.journal.query({ type: 'order', id })).slice(-1);
    const trace = await sut.client.actors.trace.query({ correlationId: create?.correlationId ?? '' });
    expect(trace.map((entry) => [entry.actorType, entry.actorId, entry.version])).toEqual([['order', id, 1]]);
  });
});

describe('when a tool asks for the machines', () => {
  it('then each is described from its definition and exports as mermaid, DOT and JSON', async () => {
    const machines = await sut.client.machines.list.query();
    expect(machines.map((machine) => machine.name).sort()).toEqual(
      ['cancellationSaga', 'inventoryItem', 'order', 'orderSaga', 'payment'].sort(),
    );
    const graph = await sut.client.machines.graph.query({ name: 'orderSaga' });
    expect(graph.transitions.some((transition) => transition.delay === 'stepTimeout')).toBe(true);
    const mermaid = await sut.client.machines.export.query({ name: 'order', format: 'mermaid' });
    expect(mermaid).toMatch(/^stateDiagram-v2/);
    expect(mermaid).toContain('order.confirm');
    const dot = await sut.client.machines.export.query({ name: 'order', format: 'dot' });
    expect(dot).toMatch(/^digraph /);
    const json = JSON.parse(await sut.client.machines.export.query({ name: 'payment', format: 'json' }));
    expect(json.id).toBe('payment');
    await expect(sut.client.machines.graph.query({ name: 'nope' })).rejects.toSatisfy(
      (error) => codeOf(error) === 'BAD_REQUEST',
    );
  });
});
