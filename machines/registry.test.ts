import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { type ActorRef, createEnvelope } from '../actors/envelope.ts';
import { InvalidCommandError } from '../actors/errors.ts';
import type { OrderInput } from './order/orderEvents.ts';
import { orderMachine } from './order/orderMachine.ts';
import { orderDefinition, registry } from './registry.ts';

const ORDER_ID = '5a1e3c2b-9d4f-4e6a-8b7c-1d2e3f4a5b6c';
const CUSTOMER_ID = 'c0ffee00-1234-4abc-9def-0123456789ab';
const OCCURRED_AT = '2025-04-10T08:30:00.000Z';
const ref: ActorRef = { type: 'order', id: ORDER_ID };

const envelope = (type: string, payload: unknown) =>
  createEnvelope({ type, payload, occurredAt: OCCURRED_AT });

const validCreatePayload = () => ({
  customerId: CUSTOMER_ID,
  items: [
    { sku: 'BOOK-42', quantity: 1, unitPriceCents: 2599 },
    { sku: 'PEN-BLUE', quantity: 4, unitPriceCents: 150 },
  ],
  shippingAddress: {
    street: '221B Baker St',
    city: 'London',
    state: 'Greater London',
    zipCode: 'NW1 6XE',
    country: 'UK',
  },
});

/** Runs `act`, which must throw an InvalidCommandError, and returns it for further checks. */
function invalid(act: () => unknown): InvalidCommandError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCommandError);
    const typed = error as InvalidCommandError;
    expect(typed.code).toBe('INVALID_COMMAND');
    expect(typed.retryable).toBe(false);
    expect(typed.details).toHaveProperty(
      'issues',
      expect.arrayContaining([expect.objectContaining({ path: expect.any(Array) })]),
    );
    return typed;
  }
  throw new Error('expected an InvalidCommandError, but nothing was thrown');
}

describe('registry', () => {
  it('maps every actor type to its definition, machine and creation command', () => {
    expect([...registry.keys()]).toEqual([
      'order',
      'orderSaga',
      'cancellationSaga',
      'inventoryItem',
      'payment',
    ]);
    for (const [type, definition] of registry) expect(definition.machine.id).toBe(type);
    expect(registry.get('order')).toBe(orderDefinition);
    expect(orderDefinition.type).toBe('order');
    expect(orderDefinition.machine).toBe(orderMachine);
    expect(orderDefinition.creation.events).toEqual(['order.create']);
    expect(orderDefinition.migrations).toEqual({});
  });
});

describe('orderDefinition.toEvent parses valid commands', () => {
  it.each([
    ['order.confirm', {}, { type: 'order.confirm', at: OCCURRED_AT }],
    ['order.process', {}, { type: 'order.process', at: OCCURRED_AT }],
    ['order.ship', {}, { type: 'order.ship', at: OCCURRED_AT }],
    ['order.deliver', {}, { type: 'order.deliver', at: OCCURRED_AT }],
    [
      'order.cancel',
      { reason: '  out of stock  ' },
      { type: 'order.cancel', reason: 'out of stock', at: OCCURRED_AT },
    ],
  ] as const)('%s with payload %j', (type, payload, expected) => {
    expect(orderDefinition.toEvent(envelope(type, payload))).toStrictEqual(expected);
  });

  it.each([
    ['shipment.pickedUp', 'PICKED_UP', 'Depot Leeds'],
    ['shipment.inTransit', 'IN_TRANSIT', 'Hub Birmingham'],
    ['shipment.outForDelivery', 'OUT_FOR_DELIVERY', undefined],
    ['shipment.delivered', 'DELIVERED', 'Reception'],
  ] as const)(
    '%s keeps the carrier time and location and takes `at` from the envelope',
    (type, kind, location) => {
      const occurredAt = '2025-04-10T07:00:00+01:00';
      const payload = { kind, occurredAt, ...(location === undefined ? {} : { location }) };
      const event = orderDefinition.toEvent(envelope(type, payload));

      expect(event).toMatchObject({ type, occurredAt, at: OCCURRED_AT });
      if (location === undefined) expect(event).not.toHaveProperty('location');
      else expect(event).toHaveProperty('location', location);
    },
  );

  it('takes type and at from the envelope, never from the payload', () => {
    const event = orderDefinition.toEvent(
      envelope('order.confirm', { type: 'order.cancel', at: '1999-01-01T00:00:00.000Z', reason: 'spoofed' }),
    );
    expect(event).toStrictEqual({ type: 'order.confirm', at: OCCURRED_AT });
  });

  it.each([null, undefined, 'confirm please', 42])('treats a non-object payload (%j) as empty', (payload) => {
    expect(orderDefinition.toEvent(envelope('order.confirm', payload))).toStrictEqual({
      type: 'order.confirm',
      at: OCCURRED_AT,
    });
  });

  it('produces an event the machine accepts', () => {
    const [created] = initialTransition(
      orderMachine,
      orderDefinition.creation.toInput(ref, envelope('order.create', validCreatePayload())) as OrderInput,
    );
    const event = orderDefinition.toEvent(envelope('order.cancel', { reason: 'duplicate order' }));
    expect(created.can(event as Parameters<typeof created.can>[0])).toBe(true);
  });
});

describe('orderDefinition.toEvent rejects bad payloads with InvalidCommandError', () => {
  it('order.cancel without a reason', () => {
    const error = invalid(() => orderDefinition.toEvent(envelope('order.cancel', {})));
    expect(error.message).toBe(
      'order.cancel is invalid: ✖ Invalid input: expected string, received undefined\n  → at reason',
    );
  });

  it('order.cancel with a blank reason', () => {
    const error = invalid(() => orderDefinition.toEvent(envelope('order.cancel', { reason: '   ' })));
    expect(error.message).toMatch(/^order\.cancel is invalid: /);
    expect(error.message).toContain('→ at reason');
  });

  it('order.cancel with a reason longer than 500 characters', () => {
    const error = invalid(() =>
      orderDefinition.toEvent(envelope('order.cancel', { reason: 'x'.repeat(501) })),
    );
    expect(error.message).toContain('→ at reason');
  });

  it.each([
    ['an unknown tracking kind', { kind: 'TELEPORTED', occurredAt: '2025-04-10T07:00:00Z' }, '→ at kind'],
    [
      'a carrier time that is not an ISO date-time',
      { kind: 'IN_TRANSIT', occurredAt: 'yesterday' },
      '→ at occurredAt',
    ],
    ['no carrier time', { kind: 'IN_TRANSIT' }, '→ at occurredAt'],
    [
      'a location over 200 characters',
      { kind: 'IN_TRANSIT', occurredAt: '2025-04-10T07:00:00Z', location: 'L'.repeat(201) },
      '→ at location',
    ],
  ])('shipment.inTransit with %s', (_name, payload, where) => {
    const error = invalid(() => orderDefinition.toEvent(envelope('shipment.inTransit', payload)));
    expect(error.message).toMatch(/^shipment\.inTransit is invalid: ✖ /);
    expect(error.message).toContain(where);
  });

  it('shipment.inTransit whose payload kind says DELIVERED (a contradiction) is rejected', () => {
    const error = invalid(() =>
      orderDefinition.toEvent(
        envelope('shipment.inTransit', { kind: 'DELIVERED', occurredAt: '2025-04-10T07:00:00Z' }),
      ),
    );
    expect(error.message).toContain('kind');
  });

  it('an unknown event type, naming the types the order accepts', () => {
    const error = invalid(() => orderDefinition.toEvent(envelope('order.explode', {})));
    expect(error.message).toMatch(/^order\.explode is invalid: ✖ Invalid discriminator value/);
    expect(error.message).toContain("'order.confirm'");
    expect(error.message).toContain("'shipment.delivered'");
    expect(error.message).toContain('→ at type');
  });

  it('order.create is not a machine event', () => {
    const error = invalid(() => orderDefinition.toEvent(envelope('order.create', validCreatePayload())));
    expect(error.message).toMatch(/^order\.create is invalid: /);
  });
});

describe('orderDefinition.creation.toInput', () => {
  it('builds the machine input with orderId from the ref and at from the envelope', () => {
    const input = orderDefinition.creation.toInput(ref, envelope('order.create', validCreatePayload()));
    expect(input).toStrictEqual({ ...validCreatePayload(), orderId: ORDER_ID, at: OCCURRED_AT });
  });

  it('ignores orderId and at sent in the payload', () => {
    const payload = {
      ...validCreatePayload(),
      orderId: '00000000-0000-4000-8000-000000000000',
      at: '2001-01-01T00:00:00Z',
    };
    const input = orderDefinition.creation.toInput(ref, envelope('order.create', payload));
    expect(input).toMatchObject({ orderId: ORDER_ID, at: OCCURRED_AT });
  });

  it('keeps trimmed deliveryInstructions', () => {
    const payload = { ...validCreatePayload(), deliveryInstructions: '  ring twice  ' };
    expect(orderDefinition.creation.toInput(ref, envelope('order.create', payload))).toHaveProperty(
      'deliveryInstructions',
      'ring twice',
    );
  });

  it('gives an input that starts a PENDING order with the right total', () => {
    const input = orderDefinition.creation.toInput(
      ref,
      envelope('order.create', validCreatePayload()),
    ) as OrderInput;
    const [snapshot] = initialTransition(orderMachine, input);
    expect(snapshot.value).toBe('PENDING');
    expect(snapshot.context.orderId).toBe(ORDER_ID);
    expect(snapshot.context.totalCents).toBe(2599 + 4 * 150);
    expect(snapshot.context.createdAt).toBe(OCCURRED_AT);
  });

  const withAddress = (drop: string) => {
    const payload = validCreatePayload();
    const { [drop as keyof typeof payload.shippingAddress]: _dropped, ...shippingAddress } =
      payload.shippingAddress;
    return { ...payload, shippingAddress };
  };

  it.each([
    [
      'empty items',
      { ...validCreatePayload(), items: [] },
      'Too small: expected array to have >=1 items\n  → at items',
    ],
    [
      'quantity 0',
      { ...validCreatePayload(), items: [{ sku: 'BOOK-42', quantity: 0, unitPriceCents: 2599 }] },
      'Too small: expected number to be >=1\n  → at items[0].quantity',
    ],
    [
      'a negative price',
      { ...validCreatePayload(), items: [{ sku: 'BOOK-42', quantity: 1, unitPriceCents: -1 }] },
      'Too small: expected number to be >=0\n  → at items[0].unitPriceCents',
    ],
    [
      'a fractional price',
      { ...validCreatePayload(), items: [{ sku: 'BOOK-42', quantity: 1, unitPriceCents: 25.99 }] },
      '→ at items[0].unitPriceCents',
    ],
    [
      'a non-uuid customerId',
      { ...validCreatePayload(), customerId: 'customer-7' },
      'Invalid UUID\n  → at customerId',
    ],
    ['no shipping address', { ...validCreatePayload(), shippingAddress: undefined }, '→ at shippingAddress'],
    ['a missing street', withAddress('street'), '→ at shippingAddress.street'],
    ['a missing city', withAddress('city'), '→ at shippingAddress.city'],
    ['a missing state', withAddress('state'), '→ at shippingAddress.state'],
    ['a missing zipCode', withAddress('zipCode'), '→ at shippingAddress.zipCode'],
    ['a missing country', withAddress('country'), '→ at shippingAddress.country'],
    [
      'a blank street',
      { ...validCreatePayload(), shippingAddress: { ...validCreatePayload().shippingAddress, street: '  ' } },
      '→ at shippingAddress.street',
    ],
  ])('rejects %s', (_name, payload, expected) => {
    const error = invalid(() => orderDefinition.creation.toInput(ref, envelope('order.create', payload)));
    expect(error.message).toMatch(/^order\.create is invalid: ✖ /);
    expect(error.message).toContain(expected);
  });

  it('names every missing address field at once', () => {
    const payload = { ...validCreatePayload(), shippingAddress: { street: '221B Baker St' } };
    const error = invalid(() => orderDefinition.creation.toInput(ref, envelope('order.create', payload)));
    for (const field of ['city', 'state', 'zipCode', 'country']) {
      expect(error.message).toContain(`→ at shippingAddress.${field}`);
    }
    expect(error.message).not.toContain('→ at shippingAddress.street');
  });

  it('rejects a ref id that is not a uuid', () => {
    const error = invalid(() =>
      orderDefinition.creation.toInput(
        { type: 'order', id: 'order-1' },
        envelope('order.create', validCreatePayload()),
      ),
    );
    expect(error.message).toContain('Invalid UUID\n  → at orderId');
  });
});
