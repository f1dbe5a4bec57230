import { describe, expect, it } from 'vitest';
import { MalformedRecordError } from '../errors.ts';
import type { ConsumedRecord } from '../records.ts';
import { shipmentEventsRoute } from './shipmentEvents.ts';

const orderId = '8d2b0d8e-2f0c-4b8e-9a57-3c1d2e3f4a5b';

function record(value: unknown, headers: Record<string, string> = {}): ConsumedRecord {
  return {
    topic: 'shipment.events',
    partition: 2,
    offset: '41',
    key: orderId,
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers,
    timestamp: '0',
  };
}

function deliver(consumed: ConsumedRecord) {
  const delivery = shipmentEventsRoute.toDelivery(consumed);
  if (!delivery) throw new Error('expected a delivery');
  return delivery;
}

describe('shipment.events route', () => {
  it('turns a tracking record into the order command, with the carrier time and location', () => {
    const delivery = deliver(
      record({ orderId, type: 'PICKED_UP', occurredAt: '2026-01-02T08:00:00Z', location: 'Hub' }),
    );
    expect(delivery.ref).toEqual({ type: 'order', id: orderId });
    expect(delivery.envelope).toMatchObject({
      type: 'shipment.pickedUp',
      payload: { kind: 'PICKED_UP', occurredAt: '2026-01-02T08:00:00Z', location: 'Hub' },
      occurredAt: '2026-01-02T08:00:00Z',
    });
  });

  it('uses the message-id header as the idempotency key, else topic:partition:offset (stable across redelivery)', () => {
    const value = { orderId, type: 'IN_TRANSIT', occurredAt: '2026-01-02T08:00:00Z' };
    expect(deliver(record(value, { 'message-id': 'm-1' })).envelope.id).toBe('m-1');
    expect(deliver(record(value)).envelope.id).toBe('kafka:shipment.events:2:41');
    expect(deliver(record(value)).envelope.id).toBe(deliver(record(value)).envelope.id);
  });

  it.each([
    ['no value', null, /no value/],
    ['not JSON', '{oops', /not JSON/],
    ['an unknown type', { orderId, type: 'LOST', occurredAt: '2026-01-02T08:00:00Z' }, /type/],
    ['a bad order id', { orderId: 'x', type: 'DELIVERED', occurredAt: '2026-01-02T08:00:00Z' }, /orderId/],
    ['no time', { orderId, type: 'DELIVERED' }, /occurredAt/],
  ])('rejects a record with %s as MalformedRecordError', (_name, value, reason) => {
    expect(() => shipmentEventsRoute.toDelivery(record(value))).toThrow(MalformedRecordError);
    expect(() => shipmentEventsRoute.toDelivery(record(value))).toThrow(reason);
  });
});
