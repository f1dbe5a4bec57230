import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackUpdate } from '../../api/orderTracking.ts';
import { orderFor, stockedSku } from '../support/sagaFixtures.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** `orders.track` streams an order's status changes and saga steps over SSE, from the current state on. */
let sut: TestSystem;

beforeAll(async () => {
  // The router starts only once the client is tracking, so the stream provably begins at PENDING.
  sut = await startTestSystem({ router: false });
});

afterAll(async () => {
  await sut?.stop();
});

describe('when a client tracks a new order', () => {
  it('then it sees PENDING, the saga steps, and CONFIRMED as they happen', async () => {
    const sku = await stockedSku(sut.client, 3);
    const { id } = await sut.client.orders.create.mutate(orderFor([{ sku, quantity: 1 }]));
    const updates: TrackUpdate[] = [];
    const subscription = sut.client.orders.track.subscribe(
      { id },
      { onData: (update) => updates.push(update) },
    );
    try {
      await waitFor(() => updates.length > 0, { what: 'the current state streamed' });
      expect(updates[0]).toMatchObject({ kind: 'order', status: 'PENDING', version: 1 });
      await sut.trackops.router.start();
      await waitFor(
        () => updates.some((update) => update.kind === 'order' && update.status === 'CONFIRMED'),
        {
          what: 'CONFIRMED streamed',
        },
      );
      const statuses = updates.flatMap((update) => (update.kind === 'order' ? [update.status] : []));
      expect(statuses).toEqual(['PENDING', 'CONFIRMED']);
      const sagaStates = updates.flatMap((update) => (update.kind === 'saga' ? [update.state] : []));
      expect(sagaStates).toContain('reserving');
      expect(sagaStates.at(-1)).toBe('confirmed');
      const versions = updates.flatMap((update) => (update.kind === 'order' ? [update.version] : []));
      expect(versions).toEqual([1, 2]);
    } finally {
      subscription.unsubscribe();
      await sut.trackops.router.stop();
    }
  });
});
