import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../api/auth/apiKeys.ts';
import { createTrackOpsClient, type TrackOpsClient } from '../../api/client.ts';
import { appRouter } from '../../api/routers/appRouter.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';

/**
 * The role matrix (issue 7): every procedure, called by every role, with no key and with a key that does not
 * exist. A refused call is exactly UNAUTHORIZED (no or bad key) or FORBIDDEN (a role the procedure does not
 * allow); an allowed one gets its answer, or a business error for its minimal input (NOT_FOUND, BAD_REQUEST,
 * CONFLICT), never a refusal. Subscriptions are judged by their first event or error.
 */
const CALLERS = ['admin', 'operator', 'service', 'customer', 'none', 'wrong'] as const;
type Caller = (typeof CALLERS)[number];

/** The spec: who may call each procedure (`public`: also without a key). Written out, not read from the table. */
const ALLOWED: Record<string, string> = {
  'health.live': 'public',
  'health.ready': 'public',
  'orders.create': 'admin service customer',
  'orders.get': 'admin operator service customer',
  'orders.list': 'admin operator service customer',
  'orders.items': 'admin operator service customer',
  'orders.track': 'admin operator service customer',
  'orders.awaitStatus': 'admin operator service customer',
  'orders.cancel': 'admin service customer',
  'orders.updateStatus': 'admin service',
  'inventory.items.create': 'admin service',
  'inventory.items.update': 'admin service',
  'inventory.items.delete': 'admin service',
  'inventory.items.get': 'admin operator service',
  'inventory.items.list': 'admin operator service',
  'inventory.reservations.list': 'admin operator service',
  'inventory.lowStock': 'admin operator service',
  'dlq.list': 'admin operator',
  'dlq.redrive': 'admin operator',
  'replay.run': 'admin operator',
  'actors.types': 'admin operator',
  'actors.list': 'admin operator',
  'actors.inspect': 'admin operator',
  'actors.journal': 'admin operator',
  'actors.at': 'admin operator',
  'actors.trace': 'admin operator',
  'actors.watch': 'admin operator',
  'actors.send': 'admin operator',
  'machines.list': 'admin operator',
  'machines.graph': 'admin operator',
  'machines.export': 'admin operator',
  'keys.create': 'admin',
  'keys.list': 'admin',
  'keys.revoke': 'admin',
};

const BUSINESS_ANSWERS = ['ok', 'NOT_FOUND', 'BAD_REQUEST', 'CONFLICT'];

let sut: TestSystem;
const clients = new Map<Caller, TrackOpsClient>();
const customerId = crypto.randomUUID();
let ownOrderId: string;

beforeAll(async () => {
  sut = await startTestSystem(ORDER_ACTOR_ONLY);
  const keyOf = async (role: 'operator' | 'service' | 'customer') =>
    (
      await sut.client.keys.create.mutate({
        name: `matrix ${role}`,
        role,
        ...(role === 'customer' ? { customerId } : {}),
      })
    ).key;
  clients.set('admin', sut.client);
  for (const role of ['operator', 'service', 'customer'] as const) {
    clients.set(role, createTrackOpsClient(sut.trackops.url, { apiKey: await keyOf(role) }));
  }
  clients.set('none', createTrackOpsClient(sut.trackops.url));
  clients.set('wrong', createTrackOpsClient(sut.trackops.url, { apiKey: generateApiKey().key }));
  ownOrderId = (await sut.client.orders.create.mutate(validOrderInput({ customerId }))).id;
});

afterAll(async () => {
  await sut?.stop();
});

type Handlers = { onData: (data: unknown) => void; onError: (error: unknown) => void };

/** A subscription's first event (resolves) or error (rejects); it is closed either way. */
function firstEvent(subscribe: (handlers: Handlers) => { unsubscribe(): void }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const settle = (done: () => void) =>
      queueMicrotask(() => {
        subscription.unsubscribe();
        done();
      });
    const subscription = subscribe({
      onData: (data) => settle(() => resolve(data)),
      onError: (error) => settle(() => reject(error)),
    });
  });
}

const unknownId = () => crypto.randomUUID();
const unknownSku = () => `MATRIX-NONE-${crypto.randomUUID().slice(0, 8)}`;

/** A minimal valid call of every procedure. */
const CALLS: Record<string, (client: TrackOpsClient) => Promise<unknown>> = {
  'health.live': (c) => c.health.live.query(),
  'health.ready': (c) => c.health.ready.query(),
  'orders.create': (c) => c.orders.create.mutate(validOrderInput({ customerId })),
  'orders.get': (c) => c.orders.get.query({ id: ownOrderId }),
  'orders.list': (c) => c.orders.list.query({ limit: 5 }),
  'orders.items': (c) => c.orders.items.query({ id: ownOrderId }),
  'orders.track': (c) => firstEvent((handlers) => c.orders.track.subscribe({ id: ownOrderId }, handlers)),
  'orders.awaitStatus': (c) =>
    c.orders.awaitStatus.query({ id: ownOrderId, statuses: ['PENDING', 'CONFIRMED'], timeoutMs: 1 }),
  'orders.cancel': (c) => c.orders.cancel.mutate({ id: unknownId(), reason: 'matrix' }),
  'orders.updateStatus': (c) => c.orders.updateStatus.mutate({ id: unknownId(), status: 'CONFIRMED' }),
  'inventory.items.create': (c) =>
    c.inventory.items.create.mutate({ sku: unknownSku(), name: 'matrix item', quantity: 1 }),
  'inventory.items.update': (c) => c.inventory.items.update.mutate({ sku: unknownSku(), name: 'renamed' }),
  'inventory.items.delete': (c) => c.inventory.items.delete.mutate({ sku: unknownSku() }),
  'inventory.items.get': (c) => c.inventory.items.get.query({ sku: unknownSku() }),
  'inventory.items.list': (c) => c.inventory.items.list.query({ limit: 5 }),
  'inventory.reservations.list': (c) => c.inventory.reservations.list.query({ sku: unknownSku() }),
  'inventory.lowStock': (c) => c.inventory.lowStock.query(),
  'dlq.list': (c) => c.dlq.list.query({ limit: 5 }),
  'dlq.redrive': (c) => c.dlq.redrive.mutate({ id: unknownId() }),
  'replay.run': (c) =>
    firstEvent((handlers) => c.replay.run.subscribe({ topics: ['matrix.no-such-topic'], from: 0 }, handlers)),
  'actors.types': (c) => c.actors.types.query(),
  'actors.list': (c) => c.actors.list.query({ limit: 5 }),
  'actors.inspect': (c) => c.actors.inspect.query({ type: 'order', id: ownOrderId }),
  'actors.journal': (c) => c.actors.journal.query({ type: 'order', id: ownOrderId, limit: 5 }),
  'actors.at': (c) => c.actors.at.query({ type: 'order', id: ownOrderId, version: 1 }),
  'actors.trace': (c) => c.actors.trace.query({ correlationId: unknownId() }),
  'actors.watch': (c) =>
    firstEvent((handlers) => c.actors.watch.subscribe({ type: 'order', id: ownOrderId }, handlers)),
  'actors.send': (c) =>
    c.actors.send.mutate({ type: 'order', id: unknownId(), event: { type: 'order.process' } }),
  'machines.list': (c) => c.machines.list.query(),
  'machines.graph': (c) => c.machines.graph.query({ name: 'order' }),
  'machines.export': (c) => c.machines.export.query({ name: 'order', format: 'json' }),
  'keys.create': (c) => c.keys.create.mutate({ name: 'matrix created', role: 'service' }),
  'keys.list': (c) => c.keys.list.query(),
  'keys.revoke': (c) => c.keys.revoke.mutate({ id: 'matrix-no-such-key' }),
};

/** `ok`, or the tRPC code of the error. */
async function answerOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    return (error.data as { code?: string } | undefined)?.code ?? `no code: ${error.message}`;
  }
}

const procedures = Object.keys(appRouter._def.procedures).sort();

describe('the role matrix', () => {
  it('covers every procedure of the API', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual(procedures);
    expect(Object.keys(CALLS).sort()).toEqual(procedures);
  });

  it.each(procedures)('%s answers each caller as the matrix says', async (path) => {
    const allowed = ALLOWED[path] ?? '';
    const call = CALLS[path];
    if (!call) throw new Error(`no call for ${path}`);
    const answers = await Promise.all(
      CALLERS.map(async (caller) => [caller, await answerOf(call(clients.get(caller) as TrackOpsClient))]),
    );
    for (const [caller, answer] of answers as [Caller, string][]) {
      const permitted = allowed === 'public' || allowed.split(' ').includes(caller);
      const refusal = caller === 'none' || caller === 'wrong' ? 'UNAUTHORIZED' : 'FORBIDDEN';
      if (permitted) expect(BUSINESS_ANSWERS, `${path} as ${caller}`).toContain(answer);
      else expect(answer, `${path} as ${caller}`).toBe(refusal);
    }
  });
});
