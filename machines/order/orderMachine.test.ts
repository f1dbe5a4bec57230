import { describe, expect, it } from 'vitest';
import {
  type AnyEventObject,
  getNextTransitions,
  initialTransition,
  type SnapshotFrom,
  transition,
} from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  ORDER_STATUSES,
  type OrderEmitted,
  type OrderEvent,
  type OrderInput,
  type OrderStatus,
  orderEventSchema,
} from './orderEvents.ts';
import { orderMachine } from './orderMachine.ts';

type OrderSnapshot = SnapshotFrom<typeof orderMachine>;
type OrderEventType = OrderEvent['type'];
type EventOf<T extends OrderEventType> = Extract<OrderEvent, { type: T }>;

const ORDER_ID = '0b4f6c1e-8a53-4d0f-9a57-0c1f2d3e4f50';
const CUSTOMER_ID = '7d2c9e41-3b6a-4f8e-b1c2-d3e4f5a6b7c8';
const CREATED_AT = '2025-03-01T09:00:00.000Z';

/** Every message time is distinct, so a wrong `at` in history, `updatedAt` or an emitted message shows up. */
const AT: Record<OrderEventType, string> = {
  'order.confirm': '2025-03-01T10:00:00.000Z',
  'order.process': '2025-03-01T11:00:00.000Z',
  'order.ship': '2025-03-01T12:00:00.000Z',
  'order.deliver': '2025-03-02T16:00:00.000Z',
  'order.cancel': '2025-03-01T13:30:00.000Z',
  'shipment.pickedUp': '2025-03-01T12:05:00.000Z',
  'shipment.inTransit': '2025-03-01T20:05:00.000Z',
  'shipment.outForDelivery': '2025-03-02T08:05:00.000Z',
  'shipment.delivered': '2025-03-02T15:05:00.000Z',
};

/** Carrier time differs from message time, so the two cannot be confused. */
const OCCURRED_AT = {
  'shipment.pickedUp': '2025-03-01T12:00:00+01:00',
  'shipment.inTransit': '2025-03-01T20:00:00+01:00',
  'shipment.outForDelivery': '2025-03-02T08:00:00+01:00',
  'shipment.delivered': '2025-03-02T15:00:00+01:00',
} as const;

const KIND = {
  'shipment.pickedUp': 'PICKED_UP',
  'shipment.inTransit': 'IN_TRANSIT',
  'shipment.outForDelivery': 'OUT_FOR_DELIVERY',
  'shipment.delivered': 'DELIVERED',
} as const;

const REASON = 'customer changed their mind';
/** Shipping moves each SKU's reserved stock out of the warehouse. */
const SHIPPED_COMMITS = ['MUG-RED', 'TEA-EARLGREY', 'STICKER'].map((sku) => ({
  type: 'inventory.commit',
  orderId: ORDER_ID,
  sku,
}));
const CANCELLED_ITEMS = [
  { sku: 'MUG-RED', quantity: 2 },
  { sku: 'TEA-EARLGREY', quantity: 3 },
  { sku: 'STICKER', quantity: 1 },
];

function orderInput(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    orderId: ORDER_ID,
    customerId: CUSTOMER_ID,
    items: [
      { sku: 'MUG-RED', quantity: 2, unitPriceCents: 1250 },
      { sku: 'TEA-EARLGREY', quantity: 3, unitPriceCents: 499 },
      { sku: 'STICKER', quantity: 1, unitPriceCents: 0 },
    ],
    shippingAddress: {
      street: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      zipCode: '62701',
      country: 'US',
    },
    at: CREATED_AT,
    ...overrides,
  };
}

const trackingEvent = <T extends keyof typeof KIND>(type: T, location?: string) =>
  ({
    type,
    kind: KIND[type],
    occurredAt: OCCURRED_AT[type],
    at: AT[type],
    ...(location === undefined ? {} : { location }),
  }) as EventOf<T>;

/** One valid event of every type the machine declares. */
const SAMPLE: { [T in OrderEventType]: EventOf<T> } = {
  'order.confirm': { type: 'order.confirm', at: AT['order.confirm'] },
  'order.process': { type: 'order.process', at: AT['order.process'] },
  'order.ship': { type: 'order.ship', at: AT['order.ship'] },
  'order.deliver': { type: 'order.deliver', at: AT['order.deliver'] },
  'order.cancel': { type: 'order.cancel', reason: REASON, at: AT['order.cancel'] },
  'shipment.pickedUp': trackingEvent('shipment.pickedUp', 'Depot Chicago'),
  'shipment.inTransit': trackingEvent('shipment.inTransit', 'Hub Indianapolis'),
  'shipment.outForDelivery': trackingEvent('shipment.outForDelivery'),
  'shipment.delivered': trackingEvent('shipment.delivered', 'Front porch'),
};

/** Read from the schema, so an event type added later without a test here fails the SAMPLE coverage check. */
const ALL_EVENT_TYPES = orderEventSchema.options.map((option) => option.shape.type.value);

const ACCEPTS: Record<OrderStatus, readonly OrderEventType[]> = {
  PENDING: ['order.confirm', 'order.cancel'],
  CONFIRMED: ['order.process', 'order.cancel'],
  PROCESSING: ['order.ship', 'shipment.pickedUp', 'order.cancel'],
  SHIPPED: [
    'shipment.pickedUp',
    'shipment.inTransit',
    'shipment.outForDelivery',
    'shipment.delivered',
    'order.deliver',
  ],
  DELIVERED: [],
  CANCELLED: [],
};

/** The commands that bring a fresh order to each status. */
const ROUTE: Record<OrderStatus, readonly OrderEventType[]> = {
  PENDING: [],
  CONFIRMED: ['order.confirm'],
  PROCESSING: ['order.confirm', 'order.process'],
  SHIPPED: ['order.confirm', 'order.process', 'order.ship'],
  DELIVERED: ['order.confirm', 'order.process', 'order.ship', 'order.deliver'],
  CANCELLED: ['order.cancel'],
};

const emittedBy = (actions: readonly { type: string; params?: unknown }[]): OrderEmitted[] =>
  actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: OrderEmitted }).event);

function create(input: OrderInput = orderInput()) {
  const [snapshot, actions] = initialTransition(orderMachine, input);
  return { snapshot, actions, emitted: emittedBy(actions) };
}

function send(snapshot: OrderSnapshot, event: OrderEvent) {
  const [next, actions] = transition(orderMachine, snapshot, event);
  return { snapshot: next, actions, emitted: emittedBy(actions) };
}

function orderIn(status: OrderStatus): OrderSnapshot {
  return ROUTE[status].reduce((snapshot, type) => send(snapshot, SAMPLE[type]).snapshot, create().snapshot);
}

const history = (...steps: [OrderStatus, string][]) => [
  { status: 'PENDING', at: CREATED_AT },
  ...steps.map(([status, at]) => ({ status, at })),
];

const byValue = (snapshot: { value: unknown }) => JSON.stringify(snapshot.value);
const sorted = <T>(values: Iterable<T>) => [...values].sort();

describe('sample events', () => {
  it('cover every event type in the schema and each one is valid', () => {
    expect(sorted(Object.keys(SAMPLE))).toEqual(sorted(ALL_EVENT_TYPES));
    expect(ALL_EVENT_TYPES).toHaveLength(9);
    for (const event of Object.values(SAMPLE)) expect(orderEventSchema.parse(event)).toEqual(event);
  });
});

describe('creating an order', () => {
  it('starts PENDING and active, with the input turned into context', () => {
    const { snapshot } = create();

    expect(snapshot.value).toBe('PENDING');
    expect(snapshot.status).toBe('active');
    expect(snapshot.hasTag('cancellable')).toBe(true);
    expect(snapshot.context).toStrictEqual({
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      items: orderInput().items,
      totalCents: 2 * 1250 + 3 * 499 + 1 * 0,
      shippingAddress: {
        street: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        zipCode: '62701',
        country: 'US',
      },
      statusHistory: [{ status: 'PENDING', at: CREATED_AT }],
      trackingEvents: [],
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    });
    expect(snapshot.context.totalCents).toBe(3997);
  });

  it('computes totalCents as the sum of quantity times unit price over every line', () => {
    const { snapshot } = create(orderInput({ items: [{ sku: 'ONE', quantity: 7, unitPriceCents: 1999 }] }));
    expect(snapshot.context.totalCents).toBe(13993);
  });

  it('keeps deliveryInstructions only when the input has them', () => {
    expect(
      create(orderInput({ deliveryInstructions: 'Leave at the back door' })).snapshot.context,
    ).toHaveProperty('deliveryInstructions', 'Leave at the back door');
    expect(create().snapshot.context).not.toHaveProperty('deliveryInstructions');
  });

  it('emits exactly one order.created carrying the whole new order, and nothing else', () => {
    const { snapshot, actions, emitted } = create();

    expect(actions.map((action) => action.type)).toEqual(['xstate.emit']);
    expect(emitted).toStrictEqual([{ type: 'order.created', order: snapshot.context }]);
    expect(emitted[0]).toMatchObject({
      order: { orderId: ORDER_ID, totalCents: 3997, createdAt: CREATED_AT },
    });
  });
});

describe('PENDING -> CONFIRMED on order.confirm', () => {
  it('records the status, moves updatedAt and emits order.status.updated from PENDING', () => {
    const { snapshot, emitted } = send(create().snapshot, SAMPLE['order.confirm']);

    expect(snapshot.value).toBe('CONFIRMED');
    expect(snapshot.status).toBe('active');
    expect(snapshot.context.statusHistory).toStrictEqual(history(['CONFIRMED', AT['order.confirm']]));
    expect(snapshot.context.updatedAt).toBe(AT['order.confirm']);
    expect(snapshot.context.createdAt).toBe(CREATED_AT);
    expect(emitted).toStrictEqual([
      {
        type: 'order.status.updated',
        orderId: ORDER_ID,
        from: 'PENDING',
        to: 'CONFIRMED',
        at: AT['order.confirm'],
      },
    ]);
  });
});

describe('CONFIRMED -> PROCESSING on order.process', () => {
  it('records the status and emits order.status.updated from CONFIRMED', () => {
    const { snapshot, emitted } = send(orderIn('CONFIRMED'), SAMPLE['order.process']);

    expect(snapshot.value).toBe('PROCESSING');
    expect(snapshot.context.statusHistory).toStrictEqual(
      history(['CONFIRMED', AT['order.confirm']], ['PROCESSING', AT['order.process']]),
    );
    expect(snapshot.context.updatedAt).toBe(AT['order.process']);
    expect(emitted).toStrictEqual([
      {
        type: 'order.status.updated',
        orderId: ORDER_ID,
        from: 'CONFIRMED',
        to: 'PROCESSING',
        at: AT['order.process'],
      },
    ]);
  });
});

describe('PROCESSING -> SHIPPED', () => {
  it('on order.ship records SHIPPED without a tracking event', () => {
    const { snapshot, emitted } = send(orderIn('PROCESSING'), SAMPLE['order.ship']);

    expect(snapshot.value).toBe('SHIPPED');
    expect(snapshot.hasTag('cancellable')).toBe(false);
    expect(snapshot.context.statusHistory.at(-1)).toStrictEqual({ status: 'SHIPPED', at: AT['order.ship'] });
    expect(snapshot.context.trackingEvents).toStrictEqual([]);
    expect(snapshot.context.updatedAt).toBe(AT['order.ship']);
    expect(emitted).toStrictEqual([
      {
        type: 'order.status.updated',
        orderId: ORDER_ID,
        from: 'PROCESSING',
        to: 'SHIPPED',
        at: AT['order.ship'],
      },
      ...SHIPPED_COMMITS,
    ]);
  });

  it('on shipment.pickedUp records SHIPPED and the pick-up with its carrier time and location', () => {
    const { snapshot, emitted } = send(orderIn('PROCESSING'), SAMPLE['shipment.pickedUp']);

    expect(snapshot.value).toBe('SHIPPED');
    expect(snapshot.context.statusHistory).toStrictEqual(
      history(
        ['CONFIRMED', AT['order.confirm']],
        ['PROCESSING', AT['order.process']],
        ['SHIPPED', AT['shipment.pickedUp']],
      ),
    );
    expect(snapshot.context.trackingEvents).toStrictEqual([
      { kind: 'PICKED_UP', occurredAt: OCCURRED_AT['shipment.pickedUp'], location: 'Depot Chicago' },
    ]);
    expect(snapshot.context.updatedAt).toBe(AT['shipment.pickedUp']);
    expect(emitted).toStrictEqual([
      {
        type: 'order.status.updated',
        orderId: ORDER_ID,
        from: 'PROCESSING',
        to: 'SHIPPED',
        at: AT['shipment.pickedUp'],
      },
      ...SHIPPED_COMMITS,
    ]);
  });
});

describe('SHIPPED self-transitions on carrier tracking', () => {
  it.each([
    ['shipment.pickedUp', 'PICKED_UP', 'Depot Chicago'],
    ['shipment.inTransit', 'IN_TRANSIT', 'Hub Indianapolis'],
  ] as const)(
    '%s appends a %s tracking event with its location; status and history unchanged; nothing emitted',
    (type, kind, location) => {
      const shipped = orderIn('SHIPPED');
      const { snapshot, actions } = send(shipped, SAMPLE[type]);

      expect(snapshot.value).toBe('SHIPPED');
      expect(snapshot.status).toBe('active');
      expect(snapshot.context.statusHistory).toStrictEqual(shipped.context.statusHistory);
      expect(snapshot.context.trackingEvents).toStrictEqual([
        { kind, occurredAt: OCCURRED_AT[type], location },
      ]);
      expect(snapshot.context.updatedAt).toBe(AT[type]);
      expect(actions).toEqual([]);
    },
  );

  it('shipment.outForDelivery without a location records no location key', () => {
    const { snapshot, actions } = send(orderIn('SHIPPED'), SAMPLE['shipment.outForDelivery']);

    expect(snapshot.value).toBe('SHIPPED');
    expect(snapshot.context.trackingEvents).toStrictEqual([
      { kind: 'OUT_FOR_DELIVERY', occurredAt: OCCURRED_AT['shipment.outForDelivery'] },
    ]);
    expect(snapshot.context.updatedAt).toBe(AT['shipment.outForDelivery']);
    expect(actions).toEqual([]);
  });

  it('keeps tracking events in arrival order, including a repeated pick-up scan', () => {
    const steps: OrderEvent[] = [
      SAMPLE['shipment.pickedUp'],
      SAMPLE['shipment.inTransit'],
      SAMPLE['shipment.pickedUp'],
      SAMPLE['shipment.outForDelivery'],
    ];
    const shipped = steps.reduce((snapshot, event) => send(snapshot, event).snapshot, orderIn('PROCESSING'));

    expect(shipped.value).toBe('SHIPPED');
    expect(shipped.context.trackingEvents.map((event) => event.kind)).toEqual([
      'PICKED_UP',
      'IN_TRANSIT',
      'PICKED_UP',
      'OUT_FOR_DELIVERY',
    ]);
    expect(shipped.context.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'CONFIRMED',
      'PROCESSING',
      'SHIPPED',
    ]);
  });
});

describe('SHIPPED -> DELIVERED', () => {
  it.each([
    ['order.deliver', []],
    [
      'shipment.delivered',
      [{ kind: 'DELIVERED', occurredAt: OCCURRED_AT['shipment.delivered'], location: 'Front porch' }],
    ],
  ] as const)(
    'on %s ends in DELIVERED, emits order.status.updated then order.delivered',
    (type, tracking) => {
      const { snapshot, emitted } = send(orderIn('SHIPPED'), SAMPLE[type]);

      expect(snapshot.value).toBe('DELIVERED');
      expect(snapshot.status).toBe('done');
      expect(snapshot.context.statusHistory.at(-1)).toStrictEqual({ status: 'DELIVERED', at: AT[type] });
      expect(snapshot.context.statusHistory).toHaveLength(5);
      expect(snapshot.context.trackingEvents).toStrictEqual(tracking);
      expect(snapshot.context.updatedAt).toBe(AT[type]);
      expect(emitted).toStrictEqual([
        { type: 'order.status.updated', orderId: ORDER_ID, from: 'SHIPPED', to: 'DELIVERED', at: AT[type] },
        { type: 'order.delivered', orderId: ORDER_ID, at: AT[type] },
      ]);
    },
  );
});

describe('order.cancel before shipping', () => {
  it.each(['PENDING', 'CONFIRMED', 'PROCESSING'] as const)(
    'from %s ends in CANCELLED with the reason recorded and announced',
    (from) => {
      const before = orderIn(from);
      expect(before.hasTag('cancellable')).toBe(true);

      const { snapshot, emitted } = send(before, SAMPLE['order.cancel']);

      expect(snapshot.value).toBe('CANCELLED');
      expect(snapshot.status).toBe('done');
      expect(snapshot.context.cancellationReason).toBe(REASON);
      expect(snapshot.context.statusHistory).toStrictEqual([
        ...before.context.statusHistory,
        { status: 'CANCELLED', at: AT['order.cancel'], reason: REASON },
      ]);
      expect(snapshot.context.updatedAt).toBe(AT['order.cancel']);
      expect(emitted).toStrictEqual([
        {
          type: 'order.status.updated',
          orderId: ORDER_ID,
          from,
          to: 'CANCELLED',
          at: AT['order.cancel'],
          reason: REASON,
        },
        {
          type: 'order.cancelled',
          orderId: ORDER_ID,
          customerId: CUSTOMER_ID,
          reason: REASON,
          at: AT['order.cancel'],
          previousStatus: from,
          items: CANCELLED_ITEMS,
        },
      ]);
    },
  );
});

describe('rejections are computed from the state', () => {
  const rejected = ORDER_STATUSES.flatMap((status) =>
    ALL_EVENT_TYPES.filter((type) => !ACCEPTS[status].includes(type)).map((type) => [status, type] as const),
  );
  const accepted = ORDER_STATUSES.flatMap((status) => ACCEPTS[status].map((type) => [status, type] as const));

  it('the tables split all 6 x 9 state/event pairs', () => {
    expect(rejected.length + accepted.length).toBe(ORDER_STATUSES.length * ALL_EVENT_TYPES.length);
    expect(accepted).toHaveLength(12);
  });

  it.each(rejected)('%s does not accept %s, and sending it changes nothing', (status, type) => {
    const snapshot = orderIn(status);
    expect(snapshot.can(SAMPLE[type])).toBe(false);

    const { snapshot: after, actions } = send(snapshot, SAMPLE[type]);
    expect(after.value).toBe(status);
    expect(after.context).toStrictEqual(snapshot.context);
    expect(actions).toEqual([]);
  });

  it.each(accepted)('%s accepts %s', (status, type) => {
    expect(orderIn(status).can(SAMPLE[type])).toBe(true);
  });

  it.each(ORDER_STATUSES)('getNextTransitions in %s names exactly the accepted event types', (status) => {
    const eventTypes = getNextTransitions(orderIn(status)).map((next) => next.eventType);
    expect(sorted(eventTypes)).toEqual(sorted(ACCEPTS[status]));
  });

  it.each(['DELIVERED', 'CANCELLED'] as const)('%s is final and accepts nothing', (status) => {
    const snapshot = orderIn(status);
    expect(snapshot.status).toBe('done');
    expect(getNextTransitions(snapshot)).toEqual([]);
    expect(ALL_EVENT_TYPES.filter((type) => snapshot.can(SAMPLE[type]))).toEqual([]);
  });
});

describe('state graph', () => {
  const events = Object.values(SAMPLE) as OrderEvent[];
  const options = { input: orderInput(), events, serializeState: byValue };
  const describePath = (path: { state: { value: unknown }; steps: { event: AnyEventObject }[] }) =>
    `${String(path.state.value)} <- ${path.steps.map((step) => step.event.type).join(' ')}`;

  it('reaches every status from a new order', () => {
    const paths = getShortestPaths(orderMachine, options);
    expect(sorted(paths.map((path) => path.state.value))).toEqual(sorted(ORDER_STATUSES));
    const delivered = paths.find((path) => path.state.value === 'DELIVERED');
    expect(delivered?.steps).toHaveLength(5);
  });

  it('has exactly these simple paths; none reaches CANCELLED through SHIPPED or DELIVERED', () => {
    const paths = getSimplePaths(orderMachine, options);

    expect(sorted(paths.map(describePath))).toEqual(
      sorted([
        'PENDING <- xstate.init',
        'CONFIRMED <- xstate.init order.confirm',
        'PROCESSING <- xstate.init order.confirm order.process',
        'SHIPPED <- xstate.init order.confirm order.process order.ship',
        'SHIPPED <- xstate.init order.confirm order.process shipment.pickedUp',
        'DELIVERED <- xstate.init order.confirm order.process order.ship order.deliver',
        'DELIVERED <- xstate.init order.confirm order.process order.ship shipment.delivered',
        'DELIVERED <- xstate.init order.confirm order.process shipment.pickedUp order.deliver',
        'DELIVERED <- xstate.init order.confirm order.process shipment.pickedUp shipment.delivered',
        'CANCELLED <- xstate.init order.cancel',
        'CANCELLED <- xstate.init order.confirm order.cancel',
        'CANCELLED <- xstate.init order.confirm order.process order.cancel',
      ]),
    );
    const toCancelled = paths.filter((path) => path.state.value === 'CANCELLED');
    for (const path of toCancelled) {
      const visited = path.steps.map((step) => step.state.value);
      expect(visited).not.toContain('SHIPPED');
      expect(visited).not.toContain('DELIVERED');
    }
  });

  it.each([
    ['SHIPPED', ['DELIVERED', 'SHIPPED']],
    ['DELIVERED', ['DELIVERED']],
  ] as const)('from %s only %j can be reached, never CANCELLED', (status, reachable) => {
    const paths = getShortestPaths(orderMachine, { ...options, fromState: orderIn(status) });
    const reached = sorted(paths.map((path) => path.state.value));
    expect(reached).toEqual(reachable);
    expect(reached).not.toContain('CANCELLED');
  });
});

describe('persisted snapshot', () => {
  const roundTrip = (snapshot: OrderSnapshot) => {
    const persisted = orderMachine.getPersistedSnapshot(snapshot);
    const parsed: unknown = JSON.parse(JSON.stringify(persisted));
    return { persisted, parsed, restored: orderMachine.resolveState(parsed as typeof snapshot) };
  };

  it.each(ORDER_STATUSES)(
    'in %s survives a JSON round-trip with value, status and context intact',
    (status) => {
      const snapshot = orderIn(status);
      const { persisted, parsed, restored } = roundTrip(snapshot);

      expect(parsed).toStrictEqual(JSON.parse(JSON.stringify(persisted)));
      expect(parsed).toMatchObject({ value: status, status: snapshot.status });
      expect(restored.value).toBe(status);
      expect(restored.status).toBe(snapshot.status);
      expect(restored.context).toStrictEqual(snapshot.context);
      expect(sorted(getNextTransitions(restored).map((next) => next.eventType))).toEqual(
        sorted(ACCEPTS[status]),
      );
    },
  );

  it('restored in PROCESSING continues to SHIPPED and DELIVERED with the same history and messages', () => {
    const { restored } = roundTrip(orderIn('PROCESSING'));

    const shipped = send(restored, SAMPLE['shipment.pickedUp']);
    expect(shipped.snapshot.value).toBe('SHIPPED');
    expect(shipped.emitted).toStrictEqual([
      {
        type: 'order.status.updated',
        orderId: ORDER_ID,
        from: 'PROCESSING',
        to: 'SHIPPED',
        at: AT['shipment.pickedUp'],
      },
      ...SHIPPED_COMMITS,
    ]);

    const again = roundTrip(shipped.snapshot).restored;
    expect(again.can(SAMPLE['order.cancel'])).toBe(false);
    const delivered = send(again, SAMPLE['shipment.delivered']);
    expect(delivered.snapshot.value).toBe('DELIVERED');
    expect(delivered.snapshot.status).toBe('done');
    expect(delivered.snapshot.context.statusHistory.map((change) => change.status)).toEqual([
      'PENDING',
      'CONFIRMED',
      'PROCESSING',
      'SHIPPED',
      'DELIVERED',
    ]);
    expect(delivered.snapshot.context.trackingEvents.map((event) => event.kind)).toEqual([
      'PICKED_UP',
      'DELIVERED',
    ]);
    expect(delivered.emitted.map((message) => message.type)).toEqual([
      'order.status.updated',
      'order.delivered',
    ]);
  });

  it('restored in CONFIRMED can still be cancelled with the reason recorded', () => {
    const { restored } = roundTrip(orderIn('CONFIRMED'));
    const { snapshot, emitted } = send(restored, SAMPLE['order.cancel']);

    expect(snapshot.value).toBe('CANCELLED');
    expect(snapshot.context.cancellationReason).toBe(REASON);
    expect(emitted.at(-1)).toStrictEqual({
      type: 'order.cancelled',
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      reason: REASON,
      at: AT['order.cancel'],
      previousStatus: 'CONFIRMED',
      items: CANCELLED_ITEMS,
    });
  });

  it('a cancellation by a saga names its initiator, so it is not routed back to that saga', () => {
    const { snapshot, emitted } = send(orderIn('PENDING'), {
      ...SAMPLE['order.cancel'],
      initiator: 'orderSaga',
    });
    expect(snapshot.context.cancellationInitiator).toBe('orderSaga');
    expect(emitted.at(-1)).toMatchObject({
      type: 'order.cancelled',
      previousStatus: 'PENDING',
      initiator: 'orderSaga',
    });
  });
});
