import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderFor, stockedSku } from '../support/sagaFixtures.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';

/** `orders.awaitStatus`: a long poll that answers when the order reaches one of the asked statuses. */
let sut: TestSystem;

beforeAll(async () => {
  // The router starts only in the last test, so until then every new order provably stays PENDING.
  sut = await startTestSystem({ router: false });
});

afterAll(async () => {
  await sut?.stop();
});

async function newOrder(): Promise<string> {
  const sku = await stockedSku(sut.client, 3);
  return (await sut.client.orders.create.mutate(orderFor([{ sku, quantity: 1 }]))).id;
}

describe('orders.awaitStatus', () => {
  it('when the order is already in an asked status, then it answers at once', async () => {
    const id = await newOrder();

    const answer = await sut.client.orders.awaitStatus.query({ id, statuses: ['PENDING', 'CONFIRMED'] });

    expect(answer).toMatchObject({ reached: true, order: { id, status: 'PENDING', version: 1 } });
  });

  it('when the time runs out first, then it answers with reached false and the current order', async () => {
    const id = await newOrder();

    const answer = await sut.client.orders.awaitStatus.query({ id, statuses: ['DELIVERED'], timeoutMs: 200 });

    expect(answer).toMatchObject({ reached: false, order: { id, status: 'PENDING' } });
  });

  it('when the order does not exist or the input is wrong, then it is NOT_FOUND or BAD_REQUEST', async () => {
    const missing = sut.client.orders.awaitStatus.query({ id: crypto.randomUUID(), statuses: ['CONFIRMED'] });
    await expect(missing).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    for (const input of [
      { id: crypto.randomUUID(), statuses: [] },
      { id: crypto.randomUUID(), statuses: ['SOMEWHERE'] },
      { id: crypto.randomUUID(), statuses: ['CONFIRMED'], timeoutMs: 600_000 },
    ]) {
      const error = await sut.client.orders.awaitStatus
        .query(input as never) // deliberately invalid
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<never>).data).toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('when the saga confirms the order while the call waits, then it answers with the confirmed order', async () => {
    const id = await newOrder();
    let answered = false;
    const waiting = sut.client.orders.awaitStatus
      .query({ id, statuses: ['CONFIRMED', 'CANCELLED'], timeoutMs: 30_000 })
      .finally(() => {
        answered = true;
      });
    // With the router stopped the saga cannot run, so nothing can answer this call yet.
    await sut.client.orders.get.query({ id });
    expect(answered).toBe(false);

    await sut.trackops.router.start();
    try {
      const answer = await waiting;
      expect(answer).toMatchObject({ reached: true, order: { id, status: 'CONFIRMED', version: 2 } });
    } finally {
      await sut.trackops.router.stop();
    }
  });
});
