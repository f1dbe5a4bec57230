import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAndReadOrder } from '../../examples/createAndReadOrder.ts';
import { TEST_ADMIN_KEY } from '../support/testConfig.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';

/** The README's typed-client example runs against a real system, so the README cannot lie. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem({ router: false });
});

afterAll(async () => {
  await sut?.stop();
});

describe('the README example (examples/createAndReadOrder.ts)', () => {
  it('creates an order and reads it back', async () => {
    const { created, order } = await createAndReadOrder(sut.trackops.url, TEST_ADMIN_KEY);
    expect(created.status).toBe('PENDING');
    expect(created.totalAmount).toBe('64.90');
    expect(order.id).toBe(created.id);
    expect(order.items.map((item) => [item.sku, item.quantity, item.unitPrice, item.lineTotal])).toEqual([
      ['KEYBOARD-01', 1, '49.90', '49.90'],
      ['CABLE-USB-C', 2, '7.50', '15.00'],
    ]);
    expect(order.deliveryInstructions).toBe('Leave at the front desk');
  });

  it('health probes answer: ready only when PostgreSQL, Redis, NATS and Kafka all do', async () => {
    const ready = await sut.client.health.ready.query();
    expect(ready.ready).toBe(true);
    expect(Object.keys(ready.checks).sort()).toEqual(['kafka', 'nats', 'postgres', 'redis']);
    const response = await fetch(`${sut.trackops.url}/health/ready`);
    expect(response.status).toBe(200);
    const metrics = await (await fetch(`${sut.trackops.url}/metrics`)).text();
    expect(metrics).toMatch(/trackops_turns_total\{actor_type="order",node="[^"]+"\} [1-9]/);
  });
});
