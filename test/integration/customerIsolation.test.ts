import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackOpsClient, type TrackOpsClient } from '../../api/client.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';

/**
 * A customer key sees and acts on its own customer's orders only (issue 7). Another customer's order answers
 * exactly as a missing order does (no existence leak) and no command reaches it; lists are confined to the key's
 * customer whatever filter is asked for; creating an order for someone else is FORBIDDEN.
 */
let sut: TestSystem;
const alice = { customerId: crypto.randomUUID() } as { customerId: string; client: TrackOpsClient };
const bob = { customerId: crypto.randomUUID() } as { customerId: string; client: TrackOpsClient };
let aliceOrder: string;
let bobOrder: string;

beforeAll(async () => {
  sut = await startTestSystem(ORDER_ACTOR_ONLY);
  for (const customer of [alice, bob]) {
    const { key } = await sut.client.keys.create.mutate({
      name: `customer ${customer.customerId}`,
      role: 'customer',
      customerId: customer.customerId,
    });
    customer.client = createTrackOpsClient(sut.trackops.url, { apiKey: key });
  }
  aliceOrder = (await alice.client.orders.create.mutate(validOrderInput({ customerId: alice.customerId })))
    .id;
  bobOrder = (await bob.client.orders.create.mutate(validOrderInput({ customerId: bob.customerId }))).id;
});

afterAll(async () => {
  await sut?.stop();
});

/** What a client sees of a refusal, with the order id in the message replaced, so two refusals compare. */
async function refusalOf(call: Promise<unknown>, orderId: string) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError))
    throw new Error(`expected a TRPCClientError, got ${String(error)}`);
  const data = error.data as { code: string; httpStatus: number; trackops: unknown; fieldErrors: unknown };
  return {
    message: error.message.replaceAll(orderId, '<id>'),
    code: data.code,
    httpStatus: data.httpStatus,
    trackops: data.trackops,
    fieldErrors: data.fieldErrors,
  };
}

function firstTrackEvent(client: TrackOpsClient, id: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const subscription = client.orders.track.subscribe(
      { id },
      {
        onData: (update) => queueMicrotask(() => settle(() => resolve(update))),
        onError: (error) => queueMicrotask(() => settle(() => reject(error))),
      },
    );
    const settle = (done: () => void) => {
      subscription.unsubscribe();
      done();
    };
  });
}

const versionOf = async (id: string) => (await sut.client.orders.get.query({ id })).version;

describe("when a customer asks for another customer's order", () => {
  const reads: [string, (client: TrackOpsClient, id: string) => Promise<unknown>][] = [
    ['orders.get', (client, id) => client.orders.get.query({ id })],
    ['orders.items', (client, id) => client.orders.items.query({ id })],
    ['orders.track', (client, id) => firstTrackEvent(client, id)],
    [
      'orders.awaitStatus',
      (client, id) => client.orders.awaitStatus.query({ id, statuses: ['DELIVERED'], timeoutMs: 1 }),
    ],
    ['orders.cancel', (client, id) => client.orders.cancel.mutate({ id, reason: 'not mine' })],
  ];

  it.each(reads)('then %s answers exactly as for a missing order', async (_, call) => {
    const missing = crypto.randomUUID();
    const foreign = await refusalOf(call(alice.client, bobOrder), bobOrder);
    expect(foreign).toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
      message: 'order <id> does not exist',
    });
    expect(foreign).toEqual(await refusalOf(call(alice.client, missing), missing));
  });

  it('then a cancel sends no command: the order is untouched', async () => {
    const before = await versionOf(bobOrder);
    await expect(alice.client.orders.cancel.mutate({ id: bobOrder, reason: 'not mine' })).rejects.toThrow();
    expect(await sut.client.orders.get.query({ id: bobOrder })).toMatchObject({
      status: 'PENDING',
      version: before,
    });
    expect(await sut.client.actors.journal.query({ type: 'order', id: bobOrder })).toHaveLength(before);
  });

  it('then the owner still reads, tracks and cancels it', async () => {
    expect(await bob.client.orders.get.query({ id: bobOrder })).toMatchObject({ customerId: bob.customerId });
    expect(await bob.client.orders.items.query({ id: bobOrder })).toHaveLength(2);
    expect(await firstTrackEvent(bob.client, bobOrder)).toMatchObject({ kind: 'order', status: 'PENDING' });
    const { id } = await bob.client.orders.create.mutate(validOrderInput({ customerId: bob.customerId }));
    expect(await bob.client.orders.cancel.mutate({ id, reason: 'changed my mind' })).toMatchObject({
      status: 'CANCELLED',
    });
  });
});

describe('when a customer lists orders', () => {
  it('then it gets only its own, whatever customerId it filters by', async () => {
    for (const input of [{}, { customerId: bob.customerId }, { customerId: alice.customerId }]) {
      const page = await alice.client.orders.list.query({ limit: 100, ...input });
      expect(page.items.map((order) => order.id)).toContain(aliceOrder);
      expect(page.items.every((order) => order.customerId === alice.customerId)).toBe(true);
    }
    const everyone = await sut.client.orders.list.query({ limit: 100 });
    expect(everyone.items.map((order) => order.id)).toEqual(expect.arrayContaining([aliceOrder, bobOrder]));
  });
});

describe('when a customer creates an order', () => {
  it('then an order for another customer is FORBIDDEN, and none is created', async () => {
    const orderId = crypto.randomUUID();
    const refusal = await refusalOf(
      alice.client.orders.create.mutate(validOrderInput({ orderId, customerId: bob.customerId })),
      orderId,
    );
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    await expect(sut.client.orders.get.query({ id: orderId })).rejects.toThrow(/does not exist/);
  });

  it("then reusing another customer's order id is refused and shows nothing of that order", async () => {
    const before = await versionOf(bobOrder);
    const refusal = await refusalOf(
      alice.client.orders.create.mutate(validOrderInput({ orderId: bobOrder, customerId: alice.customerId })),
      bobOrder,
    );
    expect(refusal.code).toBe('CONFLICT');
    expect(refusal.message).not.toContain(bob.customerId);
    expect(await sut.client.orders.get.query({ id: bobOrder })).toMatchObject({
      customerId: bob.customerId,
      version: before,
    });
  });

  it('then retrying its own create with the same order id returns the same order', async () => {
    const input = validOrderInput({ orderId: crypto.randomUUID(), customerId: alice.customerId });
    const first = await alice.client.orders.create.mutate(input);
    expect(await alice.client.orders.create.mutate(input)).toMatchObject({ id: first.id, version: 1 });
  });

  it('then it cannot change a status other than by cancelling', async () => {
    const refusal = await refusalOf(
      alice.client.orders.updateStatus.mutate({ id: aliceOrder, status: 'CONFIRMED' }),
      aliceOrder,
    );
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
  });
});
