import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, startChildRuntime } from '../support/childProcess.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { produce } from '../support/kafkaRecords.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** A real process killed mid-flow (after the actor commit, before the Kafka offset commit) loses and repeats nothing. */
let sut: TestSystem | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await sut?.stop();
});

describe('when a node is SIGKILLed between the actor commit and the offset commit', () => {
  it('then another node gets the record again and the actor acknowledges it without applying it twice', async () => {
    // An order in SHIPPED, created through an API-only system (no router competing for the partitions).
    const setup = await startTestSystem({ router: false });
    const { id: orderId } = await setup.client.orders.create.mutate(validOrderInput());
    for (const status of ['CONFIRMED', 'PROCESSING', 'SHIPPED'] as const)
      await setup.client.orders.updateStatus.mutate({ id: orderId, status });
    await setup.stop();

    ({ child } = await startChildRuntime({ bootstrap: ORDER_ACTOR_ONLY, env: { CRASH_ON_KEY: orderId } }));
    const killed = exited(child);
    await produce(setup.brokers, setup.topic('shipment.events'), [
      {
        key: orderId,
        value: JSON.stringify({ orderId, type: 'OUT_FOR_DELIVERY', occurredAt: '2026-03-01T09:00:00.000Z' }),
      },
    ]);
    expect(await killed).toBe('SIGKILL');

    const redelivered: string[] = [];
    sut = await startTestSystem({
      ...ORDER_ACTOR_ONLY,
      afterDelivered: async (record) => {
        if (record.key === orderId) redelivered.push(record.offset);
      },
    });
    await waitFor(() => redelivered.length > 0, {
      what: 'the record redelivered to the surviving node',
      timeoutMs: 60_000,
    });
    const order = await sut.client.orders.get.query({ id: orderId });
    expect(order.trackingEvents.map((event) => event.kind)).toEqual(['OUT_FOR_DELIVERY']);
    expect(order.version).toBe(5);
  });
});
