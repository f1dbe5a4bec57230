import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../api/client.ts';
import { DLQ_HEADERS } from '../../bridge/kafka/deadLetters.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { produce, watchTopics } from '../support/kafkaRecords.ts';
import { ADMIN_HEADERS } from '../support/testConfig.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/** Bad input gets a clear, typed error, never a crash; a bad Kafka record is parked on the DLQ with its reason. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem(ORDER_ACTOR_ONLY);
});

afterAll(async () => {
  await sut?.stop();
});

async function trpcError(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCClientError);
    return error as TRPCClientError<AppRouter>;
  }
  throw new Error('expected the call to fail');
}

describe('when orders.create gets bad input', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a missing customerId', { customerId: undefined }, 'customerId'],
    ['a customerId that is not a uuid', { customerId: 'not-a-uuid' }, 'customerId'],
    ['no items', { items: [] }, 'items'],
    ['quantity 0', { items: [{ sku: 'A', quantity: 0, unitPrice: '1.00' }] }, 'items'],
    ['a negative price', { items: [{ sku: 'A', quantity: 1, unitPrice: '-1.00' }] }, 'items'],
    ['a price with three decimals', { items: [{ sku: 'A', quantity: 1, unitPrice: '1.005' }] }, 'items'],
    [
      'a missing address field',
      { shippingAddress: { street: '1 Main St', city: 'X', state: 'Y', country: 'US' } },
      'shippingAddress',
    ],
  ];
  it.each(cases)('then %s is BAD_REQUEST naming the field', async (_name, override, field) => {
    const input = { ...validOrderInput(), ...override } as Parameters<
      typeof sut.client.orders.create.mutate
    >[0];
    const error = await trpcError(sut.client.orders.create.mutate(input));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.httpStatus).toBe(400);
    expect(Object.keys(error.data?.fieldErrors ?? {})).toContain(field);
  });

  it('then a 1 MB body is PAYLOAD_TOO_LARGE and the server keeps serving', async () => {
    const response = await fetch(`${sut.trackops.url}/trpc/orders.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN_HEADERS },
      body: JSON.stringify({ ...validOrderInput(), deliveryInstructions: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { data: { code: string } } };
    expect(body.error.data?.code).toBe('PAYLOAD_TOO_LARGE');
    await expect(sut.client.health.live.query()).resolves.toEqual({ status: 'ok' });
  });

  it('then a body that is not JSON is a typed BAD_REQUEST, not a crash', async () => {
    const response = await fetch(`${sut.trackops.url}/trpc/orders.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN_HEADERS },
      body: '{"customerId": ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; data: { code: string } } };
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.message).toMatch(/JSON/);
  });
});

describe('when orders.create gets hostile or boundary values', () => {
  const line = (unitPrice: string | number, quantity = 1) => ({ sku: 'SKU-A', quantity, unitPrice });

  it('then money is exact decimal: 0.1 + 0.2 is 0.30, and 1e308, NaN-like text and >2 decimals are BAD_REQUEST', async () => {
    const strings = await sut.client.orders.create.mutate(
      validOrderInput({ items: [line('0.1'), line('0.2')] }),
    );
    expect(strings.totalAmount).toBe('0.30');
    const numbers = await sut.client.orders.create.mutate(
      validOrderInput({ items: [line(0.1), line(0.2, 3)] }),
    );
    expect(numbers.totalAmount).toBe('0.70');
    for (const unitPrice of [1e308, 'NaN', 'Infinity', '1e2', '0.001', 0.1 + 0.2, '12,50']) {
      const error = await trpcError(
        sut.client.orders.create.mutate(validOrderInput({ items: [line(unitPrice)] })),
      );
      expect(error.data?.code, String(unitPrice)).toBe('BAD_REQUEST');
    }
  });

  it('then a total over 1,000,000,000.00 is BAD_REQUEST (it would not be an exact integer of cents), not a 500', async () => {
    const error = await trpcError(
      sut.client.orders.create.mutate(validOrderInput({ items: [line('1000000000.00', 1_000_000)] })),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(Object.keys(error.data?.fieldErrors ?? {})).toContain('items');
    expect(error.message).toMatch(/order total must not exceed/);
    const largest = await sut.client.orders.create.mutate(
      validOrderInput({ items: [line('1000000000.00')] }),
    );
    expect(largest.totalAmount).toBe('1000000000.00');
  });

  it('then text that cannot be stored (a lone surrogate, NUL, control characters) is BAD_REQUEST naming the field', async () => {
    const address = validOrderInput().shippingAddress;
    for (const street of ['\uD800', 'a\uDC00b', 'nul\u0000byte', 'esc\u001B[31m']) {
      const error = await trpcError(
        sut.client.orders.create.mutate(validOrderInput({ shippingAddress: { ...address, street } })),
      );
      expect(Object.keys(error.data?.fieldErrors ?? {}), JSON.stringify(street)).toContain('shippingAddress');
    }
    const error = await trpcError(
      sut.client.orders.create.mutate(validOrderInput({ items: [{ ...line('1.00'), sku: 'has space' }] })),
    );
    expect(Object.keys(error.data?.fieldErrors ?? {})).toContain('items');
  });

  it('then RTL, zero-width, emoji and SQL-looking text is stored verbatim and never executed', async () => {
    const address = validOrderInput().shippingAddress;
    const street = "'; drop table orders; -- \u202Eevil\u202C";
    const deliveryInstructions = 'שלום zero\u200Bwidth 👨‍👩‍👧‍👦 Robert"); DROP TABLE order_items;--';
    const created = await sut.client.orders.create.mutate(
      validOrderInput({ shippingAddress: { ...address, street }, deliveryInstructions }),
    );
    const order = await sut.client.orders.get.query({ id: created.id });
    expect(order.shippingAddress.street).toBe(street);
    expect(order.deliveryInstructions).toBe(deliveryInstructions);
    expect(order.items).toHaveLength(2);
  });

  it('then deeply nested JSON anywhere in a body, also in an operator event, is a typed answer, not a 500', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const post = (procedure: string, body: string) =>
      fetch(`${sut.trackops.url}/trpc/${procedure}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ADMIN_HEADERS },
        body,
      });
    expect((await post('orders.create', `{"customerId": ${nested}}`)).status).toBe(400);
    const send = await post(
      'actors.send',
      `{"type": "order", "id": "${id}", "event": {"type": "order.confirm", "junk": ${nested}}}`,
    );
    expect(send.status).toBe(400);
    await expect(sut.client.health.live.query()).resolves.toEqual({ status: 'ok' });
  });
});

describe('when commands name something that does not exist or is not allowed', () => {
  it('then an unknown status is BAD_REQUEST', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const error = await trpcError(sut.client.orders.updateStatus.mutate({ id, status: 'LOST' as 'SHIPPED' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(Object.keys(error.data?.fieldErrors ?? {})).toContain('status');
  });

  it('then a bad uuid is BAD_REQUEST and an unknown id is NOT_FOUND', async () => {
    expect((await trpcError(sut.client.orders.get.query({ id: 'nope' }))).data?.code).toBe('BAD_REQUEST');
    expect((await trpcError(sut.client.orders.get.query({ id: crypto.randomUUID() }))).data?.code).toBe(
      'NOT_FOUND',
    );
    expect((await trpcError(sut.client.orders.items.query({ id: crypto.randomUUID() }))).data?.code).toBe(
      'NOT_FOUND',
    );
    const cancel = await trpcError(sut.client.orders.cancel.mutate({ id: crypto.randomUUID(), reason: 'x' }));
    expect(cancel.data?.code).toBe('NOT_FOUND');
    expect(cancel.data?.trackops?.code).toBe('ACTOR_NOT_FOUND');
  });

  it('then a transition the state does not accept is CONFLICT naming the state and the accepted commands', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const error = await trpcError(sut.client.orders.updateStatus.mutate({ id, status: 'DELIVERED' }));
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.trackops).toEqual({
      code: 'COMMAND_REJECTED',
      details: expect.objectContaining({
        state: 'PENDING',
        event: 'order.deliver',
        accepted: ['order.confirm', 'order.cancel'],
      }),
    });
    expect(error.message).toContain('PENDING');
  });

  it('then an invalid list cursor is BAD_REQUEST', async () => {
    const error = await trpcError(sut.client.orders.list.query({ cursor: '%%%not-a-cursor' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
  });
});

describe('when shipment.events records fail their versioned schema', () => {
  it('then an unknown schema version or unstorable text is parked as INVALID_EVENT and never reaches the order', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
    const { version } = await sut.client.orders.updateStatus.mutate({ id, status: 'PROCESSING' });
    const dlq = await watchTopics(sut.brokers, [sut.topic('shipment.events.dlq')]);
    try {
      const value = (extra: Record<string, unknown> = {}) =>
        JSON.stringify({ orderId: id, type: 'PICKED_UP', occurredAt: '2026-01-01T00:00:00Z', ...extra });
      await produce(sut.brokers, sut.topic('shipment.events'), [
        { key: id, value: value(), headers: { 'schema-version': '2' } },
        { key: id, value: value(), headers: { 'schema-version': 'one' } },
        { key: id, value: value({ location: 'dock\u0000 7' }) },
        { key: id, value: value({ location: 'dock \uD800' }) },
      ]);
      await waitFor(() => dlq.byKey(id).length === 4, { what: 'four records on the DLQ' });
      expect(dlq.byKey(id).map((record) => record.headers[DLQ_HEADERS.reasonCode])).toEqual([
        'INVALID_EVENT',
        'INVALID_EVENT',
        'INVALID_EVENT',
        'INVALID_EVENT',
      ]);
      expect(dlq.byKey(id)[0]?.headers[DLQ_HEADERS.reason]).toMatch(/schema version 2/);
      const order = await sut.client.orders.get.query({ id });
      expect(order).toMatchObject({ status: 'PROCESSING', version, trackingEvents: [] });
    } finally {
      await dlq.stop();
    }
  });
});

describe('when malformed or unroutable records arrive on shipment.events', () => {
  it('then each goes to shipment.events.dlq with its reason, and the partition keeps flowing', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput()); // PENDING: cannot be picked up yet
    const key = crypto.randomUUID();
    const dlq = await watchTopics(sut.brokers, [sut.topic('shipment.events.dlq')]);
    try {
      await produce(sut.brokers, sut.topic('shipment.events'), [
        { key, value: '{not json' },
        {
          key,
          value: JSON.stringify({ orderId: key, type: 'TELEPORTED', occurredAt: '2026-01-01T00:00:00Z' }),
        },
        { key, value: null },
        {
          key,
          value: JSON.stringify({ orderId: key, type: 'PICKED_UP', occurredAt: '2026-01-01T00:00:00Z' }),
        },
        {
          key: id,
          value: JSON.stringify({ orderId: id, type: 'PICKED_UP', occurredAt: '2026-01-01T00:00:00Z' }),
        },
      ]);
      await waitFor(() => dlq.byKey(key).length === 4 && dlq.byKey(id).length === 1, {
        what: 'five records on the DLQ',
      });
      const reasons = dlq.byKey(key).map((record) => record.headers[DLQ_HEADERS.reasonCode]);
      expect(reasons).toEqual([
        'MALFORMED_RECORD',
        'MALFORMED_RECORD',
        'MALFORMED_RECORD',
        'ACTOR_NOT_FOUND',
      ]);
      const rejected = dlq.byKey(id)[0];
      expect(rejected?.headers).toMatchObject({
        [DLQ_HEADERS.reasonCode]: 'COMMAND_REJECTED',
        [DLQ_HEADERS.originalTopic]: 'shipment.events',
        [DLQ_HEADERS.attempts]: '1',
      });
      expect(rejected?.headers[DLQ_HEADERS.reason]).toContain('PENDING');
      expect(dlq.byKey(key)[0]?.value).toBe('{not json');
      // The system is still healthy and applies the next good record.
      await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
      await sut.client.orders.updateStatus.mutate({ id, status: 'PROCESSING' });
      await produce(sut.brokers, sut.topic('shipment.events'), [
        {
          key: id,
          value: JSON.stringify({ orderId: id, type: 'PICKED_UP', occurredAt: '2026-01-01T01:00:00Z' }),
        },
      ]);
      await waitFor(async () => (await sut.client.orders.get.query({ id })).status === 'SHIPPED', {
        what: 'order SHIPPED',
      });
    } finally {
      await dlq.stop();
    }
  });
});
