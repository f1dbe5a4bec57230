import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import { silentLogger } from '../../actors/ports.ts';
import { createNatsTransport } from '../../bridge/nats/natsTransport.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { query } from '../support/sql.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';

/**
 * Bounded memory: 10,000 orders touched once on a node capped at 1,000 live actors. The cap holds throughout, and
 * every passivated order comes back from its snapshot, whole, when it is touched again.
 */
let sut: TestSystem;
let nats: NatsConnection;

beforeAll(async () => {
  // No relay: these 10,000 orders are about memory, and their order.created records would otherwise start 10,000
  // sagas in the next test file's router. Their unpublished outbox rows are removed at the end.
  sut = await startTestSystem({ ...ORDER_ACTOR_ONLY, relay: false, env: { ACTOR_MAX_LIVE: '1000' } });
  nats = await connect({ servers: sut.config.NATS_URL });
});

const created: string[] = [];

afterAll(async () => {
  for (let from = 0; from < created.length; from += 1000) {
    await sut?.trackops.orm.em
      .fork()
      .execute('delete from outbox_events where aggregateid in (?) and published_at is null', [
        created.slice(from, from + 1000),
      ]);
  }
  await nats?.close();
  await sut?.stop();
});

describe('when 10,000 orders are touched once with a cap of 1,000 live actors', () => {
  it('then no more than 1,000 stay in memory, and every one reactivates correctly from its snapshot', {
    timeout: 240_000,
  }, async () => {
    const transport = createNatsTransport({
      connection: nats,
      namespace: sut.config.TRACKOPS_NAMESPACE,
      logger: silentLogger,
      defaultTimeoutMs: 30_000,
      shards: sut.config.SHARDS,
    });
    const { items, shippingAddress, customerId } = validOrderInput();
    const payload = {
      customerId,
      shippingAddress,
      items: items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPriceCents: 250 })),
    };
    const ids = Array.from({ length: 10_000 }, () => crypto.randomUUID());
    created.push(...ids);
    let peak = 0;
    for (let from = 0; from < ids.length; from += 500) {
      await Promise.all(
        ids
          .slice(from, from + 500)
          .map((id) =>
            transport.request({ type: 'order', id }, createEnvelope({ type: 'order.create', payload })),
          ),
      );
      peak = Math.max(peak, sut.trackops.system.liveCount);
    }
    expect(peak).toBeLessThanOrEqual(1000);
    expect(sut.trackops.system.liveCount).toBeLessThanOrEqual(1000);
    expect(sut.trackops.system.isLive({ type: 'order', id: ids[0] ?? '' })).toBe(false);

    // Touch the first 500 again (long passivated): each resumes from its stored snapshot at version 1.
    const again = ids.slice(0, 500);
    const replies = await Promise.all(
      again.map((id) =>
        transport.request({ type: 'order', id }, createEnvelope({ type: 'order.confirm', payload: {} })),
      ),
    );
    expect(
      replies.every((reply) => reply.version === 2 && reply.state === 'CONFIRMED' && !reply.duplicate),
    ).toBe(true);
    const rows = await query<{ n: number }>(
      sut.trackops.orm,
      "select count(*)::int as n from orders where id in (?) and status = 'CONFIRMED' and version = 2",
      [again],
    );
    expect(rows[0]?.n).toBe(500);
    const metrics = await (await fetch(`${sut.trackops.url}/metrics`)).text();
    expect(metrics).toMatch(/trackops_actor_passivations_total\{actor_type="order"\} \d{4,}/);
  });
});
