import { createEnvelope, type Envelope } from '../../actors/envelope.ts';
import { silentLogger, type TransportPort } from '../../actors/ports.ts';
import { createNatsTransport } from '../../bridge/nats/natsTransport.ts';
import { validOrderInput } from './fixtures.ts';
import type { TestSystem } from './testSystem.ts';

/** Sends envelopes straight to actors over NATS (below the API), as the router and the timer service do. */
export function actorTransport(api: TestSystem, timeoutMs = 30_000): TransportPort {
  return createNatsTransport({
    connection: api.trackops.nats,
    namespace: api.config.TRACKOPS_NAMESPACE,
    logger: silentLogger,
    defaultTimeoutMs: timeoutMs,
    shards: api.config.SHARDS,
  });
}

/** An `order.create` message for the order actor itself (the API adds prices the same way). */
export function orderCreateMessage(): Envelope {
  const { customerId, shippingAddress, items } = validOrderInput();
  const payload = {
    customerId,
    shippingAddress,
    items: items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPriceCents: 250 })),
  };
  return createEnvelope({ type: 'order.create', payload });
}

/**
 * Tests that run without a relay drop their orders' unpublished events at the end, so no later test's relay
 * publishes them and starts sagas for orders whose SKUs do not exist.
 */
export async function dropUnpublishedEvents(api: TestSystem, orderIds: string[]): Promise<void> {
  for (let from = 0; from < orderIds.length; from += 1000) {
    await api.trackops.orm.em
      .fork()
      .execute('delete from outbox_events where aggregateid in (?) and published_at is null', [
        orderIds.slice(from, from + 1000),
      ]);
  }
}
