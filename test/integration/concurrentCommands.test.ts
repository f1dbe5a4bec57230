import { connect, type NatsConnection } from '@nats-io/transport-node';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import { silentLogger } from '../../actors/ports.ts';
import { createNatsTransport } from '../../bridge/nats/natsTransport.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';

/** Turn-based actors: concurrent commands on one order are serialized; no update is lost; versions are contiguous. */
let sut: TestSystem;
let nats: NatsConnection;

beforeAll(async () => {
  sut = await startTestSystem({ router: false });
  nats = await connect({ servers: sut.config.NATS_URL });
});

afterAll(async () => {
  await nats?.close();
  await sut?.stop();
});

describe('when 50 updateStatus/cancel commands hit one order at once', () => {
  it('then each is applied or rejected with CONFLICT, one at a time, and the versions have no gap', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const statuses = ['CONFIRMED', 'PROCESSING', 'SHIPPED', 'DELIVERED'] as const;
    const commands = Array.from({ length: 50 }, (_, index) =>
      index % 10 === 9
        ? sut.client.orders.cancel.mutate({ id, reason: `cancel #${index}` })
        : sut.client.orders.updateStatus.mutate({
            id,
            status: statuses[index % statuses.length] ?? 'CONFIRMED',
          }),
    );
    const outcomes = await Promise.allSettled(commands);
    const applied = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(TRPCClientError);
        expect(outcome.reason.data?.code).toBe('CONFLICT');
        expect(outcome.reason.data?.trackops?.code).toBe('COMMAND_REJECTED');
      }
    }
    expect(applied).toBeGreaterThan(0);

    const order = await sut.client.orders.get.query({ id });
    // One history entry and one status fact per applied command: nothing lost, nothing applied twice.
    expect(order.version).toBe(1 + applied);
    expect(order.statusHistory).toHaveLength(1 + applied);
    const em = sut.trackops.orm.em.fork();
    const states: { version: string }[] = await em.execute(
      'select version from actor_state where actor_type = ? and actor_id = ?',
      ['order', id],
    );
    expect(Number(states[0]?.version)).toBe(1 + applied);
    const facts: { n: number }[] = await em.execute(
      "select count(*)::int as n from outbox_events where aggregateid = ? and type = 'order.status.updated'",
      [id],
    );
    expect(facts[0]?.n).toBe(applied);
    // The statuses form a legal path: each step is one the machine allows from the previous one.
    const legalNext: Record<string, string[]> = {
      PENDING: ['CONFIRMED', 'CANCELLED'],
      CONFIRMED: ['PROCESSING', 'CANCELLED'],
      PROCESSING: ['SHIPPED', 'CANCELLED'],
      SHIPPED: ['DELIVERED'],
    };
    const path = order.statusHistory.map((change) => change.status);
    for (const [index, status] of path.slice(1).entries())
      expect(legalNext[path[index] ?? '']).toContain(status);
  });
});

describe('when 50 accepted commands hit one actor at once over NATS', () => {
  it('then all 50 are applied, each at its own version, contiguously', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    for (const status of ['CONFIRMED', 'PROCESSING', 'SHIPPED'] as const)
      await sut.client.orders.updateStatus.mutate({ id, status });
    const transport = createNatsTransport({
      connection: nats,
      namespace: sut.config.TRACKOPS_NAMESPACE,
      logger: silentLogger,
      defaultTimeoutMs: 15_000,
      shards: sut.config.SHARDS,
    });
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        transport.request(
          { type: 'order', id },
          createEnvelope({
            type: 'shipment.inTransit',
            payload: {
              kind: 'IN_TRANSIT',
              occurredAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
              location: `hop ${index}`,
            },
          }),
        ),
      ),
    );
    expect(replies.map((reply) => reply.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, index) => 5 + index),
    );
    const order = await sut.client.orders.get.query({ id });
    expect(order.version).toBe(54);
    expect(order.trackingEvents).toHaveLength(50);
  });
});
