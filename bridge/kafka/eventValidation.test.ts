import { describe, expect, it } from 'vitest';
import { InvalidEventError } from './errors.ts';
import { checkDelivery } from './eventValidation.ts';
import type { ConsumedRecord } from './records.ts';
import type { Route } from './routes/route.ts';
import { commandRoute, orderCreatedRoute, replyRoute } from './routes/sagaRoutes.ts';
import { shipmentEventsRoute } from './routes/shipmentEvents.ts';

const orderId = '8d2b0d8e-2f0c-4b8e-9a57-3c1d2e3f4a5b';
const customerId = '3f0c6f5e-8c4b-4a57-9d0e-2d6f1b7c9a10';
const replyTo = { type: 'orderSaga', id: orderId };

function record(topic: string, value: unknown, headers: Record<string, string> = {}): ConsumedRecord {
  return {
    topic,
    partition: 0,
    offset: '7',
    key: orderId,
    value: Buffer.from(JSON.stringify(value)),
    headers,
    timestamp: '1764000000000',
  };
}

/** What the router does: route, then check before delivering. */
function routeAndCheck(route: Route, consumed: ConsumedRecord) {
  const delivery = route.toDelivery(consumed);
  if (delivery) checkDelivery(consumed, delivery);
  return delivery;
}

const reserve = commandRoute('inventory.reserve', 'inventoryItem', 'sku');
const confirm = commandRoute('order.confirm', 'order', 'orderId');
const reserved = replyRoute('inventory.reserved');
const goodReserve = { orderId, sku: 'SKU-1', quantity: 2, replyTo };

describe('checking a routed record against its versioned event schema', () => {
  it('lets records as TrackOps emits them through', () => {
    expect(routeAndCheck(reserve, record('inventory.reserve', goodReserve))?.ref).toEqual({
      type: 'inventoryItem',
      id: 'SKU-1',
    });
    expect(
      routeAndCheck(confirm, record('order.confirm', { orderId }, { 'schema-version': '1' })),
    ).toBeDefined();
    const order = {
      orderId,
      customerId,
      items: [
        { sku: 'A', quantity: 3, unitPriceCents: 10 },
        { sku: 'B', quantity: 1, unitPriceCents: 5 },
      ],
      totalCents: 35,
      shippingAddress: { street: 's', city: 'c', state: 's', zipCode: 'z', country: 'US' },
    };
    expect(routeAndCheck(orderCreatedRoute, record('order.created', { order }))).toBeDefined();
    const tracking = {
      orderId,
      type: 'IN_TRANSIT',
      occurredAt: '2026-01-02T08:00:00Z',
      location: 'تل أبيب 😀',
    };
    expect(routeAndCheck(shipmentEventsRoute, record('shipment.events', tracking))).toBeDefined();
  });

  it.each([
    [
      'a quantity of the wrong type',
      reserve,
      record('inventory.reserve', { ...goodReserve, quantity: '2' }),
      /quantity/,
    ],
    [
      'a negative quantity',
      reserve,
      record('inventory.reserve', { ...goodReserve, quantity: -1 }),
      /quantity/,
    ],
    ['a SKU with a wildcard', reserve, record('inventory.reserve', { ...goodReserve, sku: 'a>*' }), /sku/],
    [
      'a replyTo that is no saga',
      reserve,
      record('inventory.reserve', { ...goodReserve, replyTo: { type: 'order', id: orderId } }),
      /replyTo/,
    ],
    [
      'a missing replyTo',
      reserve,
      record('inventory.reserve', { orderId, sku: 'S', quantity: 1 }),
      /replyTo/,
    ],
    [
      'an order id that is not a uuid',
      confirm,
      record('order.confirm', { orderId: "1'; drop table orders; --" }),
      /orderId/,
    ],
    [
      'an unknown schema version',
      confirm,
      record('order.confirm', { orderId }, { 'schema-version': '2' }),
      /no schema version 2/,
    ],
    [
      'a schema version that is not a number',
      confirm,
      record('order.confirm', { orderId }, { 'schema-version': 'v1' }),
      /schema-version/,
    ],
    [
      'an event type other than its topic',
      confirm,
      record('order.confirm', { orderId }, { 'event-type': 'order.cancel' }),
      /event-type/,
    ],
    [
      'an occurred-at that is no time',
      confirm,
      record('order.confirm', { orderId }, { 'occurred-at': 'yesterday' }),
      /occurredAt/,
    ],
    [
      'a message id over 200 characters',
      confirm,
      record('order.confirm', { orderId }, { 'message-id': 'm'.repeat(201) }),
      /id/,
    ],
    [
      'an amount with a fraction',
      reserved,
      record('inventory.reserved', { ...goodReserve, quantity: 1.5 }),
      /quantity/,
    ],
    [
      'a total that is not the sum of the items',
      orderCreatedRoute,
      record('order.created', {
        order: {
          orderId,
          customerId,
          items: [{ sku: 'A', quantity: 1, unitPriceCents: 10 }],
          totalCents: 11,
        },
      }),
      /totalCents/,
    ],
    [
      'a NUL in a location',
      shipmentEventsRoute,
      record('shipment.events', {
        orderId,
        type: 'IN_TRANSIT',
        occurredAt: '2026-01-02T08:00:00Z',
        location: 'a\u0000b',
      }),
      /location/,
    ],
    [
      'a lone surrogate in a location',
      shipmentEventsRoute,
      record('shipment.events', {
        orderId,
        type: 'IN_TRANSIT',
        occurredAt: '2026-01-02T08:00:00Z',
        location: 'a\ud800b',
      }),
      /location/,
    ],
  ] as const)('refuses %s with INVALID_EVENT naming the problem', (_name, route, consumed, reason) => {
    expect(() => routeAndCheck(route, consumed)).toThrow(InvalidEventError);
    expect(() => routeAndCheck(route, consumed)).toThrow(reason);
  });
});
