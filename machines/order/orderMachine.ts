import { assign, emit, enqueueActions, setup } from 'xstate';
import type {
  OrderContext,
  OrderEmitted,
  OrderEvent,
  OrderInput,
  OrderStatus,
  TrackingKind,
} from './orderEvents.ts';

/**
 * One order's lifecycle: PENDING -> CONFIRMED -> PROCESSING -> SHIPPED -> DELIVERED, or CANCELLED before shipping.
 * Consumes order commands (`order.*`) and carrier tracking facts (`shipment.*`); emits `order.created`,
 * `order.status.updated`, `order.cancelled`, `order.delivered` and, on shipping, `inventory.commit` into the outbox.
 */
const TRACKING_KIND_OF = {
  'shipment.pickedUp': 'PICKED_UP',
  'shipment.inTransit': 'IN_TRANSIT',
  'shipment.outForDelivery': 'OUT_FOR_DELIVERY',
  'shipment.delivered': 'DELIVERED',
} as const satisfies Record<string, TrackingKind>;

const enter = (status: OrderStatus) =>
  [{ type: 'recordStatus', params: { status } }, { type: 'emitStatusUpdated' }] as const;

export const orderMachine = setup({
  types: {
    context: {} as OrderContext,
    events: {} as OrderEvent,
    input: {} as OrderInput,
    emitted: {} as OrderEmitted,
  },
  actions: {
    recordStatus: assign(({ context, event }, params: { status: OrderStatus }) => ({
      statusHistory: [
        ...context.statusHistory,
        {
          status: params.status,
          at: event.at,
          ...(params.status === 'CANCELLED' ? { reason: context.cancellationReason } : {}),
        },
      ],
      updatedAt: event.at,
    })),
    recordCancellationReason: assign(({ event }) =>
      event.type === 'order.cancel'
        ? {
            cancellationReason: event.reason,
            ...(event.initiator ? { cancellationInitiator: event.initiator } : {}),
          }
        : {},
    ),
    recordTrackingEvent: assign(({ context, event }) => {
      if (!(event.type in TRACKING_KIND_OF) || !('occurredAt' in event)) return {};
      const kind = TRACKING_KIND_OF[event.type as keyof typeof TRACKING_KIND_OF];
      const location = event.location === undefined ? {} : { location: event.location };
      return {
        trackingEvents: [...context.trackingEvents, { kind, occurredAt: event.occurredAt, ...location }],
        updatedAt: event.at,
      };
    }),
    emitOrderCreated: emit(({ context }) => ({ type: 'order.created' as const, order: context })),
    emitStatusUpdated: emit(({ context }) => {
      const history = context.statusHistory;
      const current = history[history.length - 1];
      const previous = history[history.length - 2];
      if (!current) throw new RangeError('an order always has a status history');
      return {
        type: 'order.status.updated' as const,
        orderId: context.orderId,
        from: previous?.status ?? null,
        to: current.status,
        at: current.at,
        ...(current.reason === undefined ? {} : { reason: current.reason }),
      };
    }),
    emitOrderCancelled: emit(({ context, event }) => ({
      type: 'order.cancelled' as const,
      orderId: context.orderId,
      customerId: context.customerId,
      reason: context.cancellationReason ?? 'unspecified',
      at: event.at,
      previousStatus: context.statusHistory[context.statusHistory.length - 2]?.status ?? 'PENDING',
      ...(context.cancellationInitiator ? { initiator: context.cancellationInitiator } : {}),
      items: context.items.map(({ sku, quantity }) => ({ sku, quantity })),
    })),
    emitInventoryCommits: enqueueActions(({ context, enqueue }) => {
      for (const sku of new Set(context.items.map((item) => item.sku))) {
        enqueue.emit({ type: 'inventory.commit' as const, orderId: context.orderId, sku });
      }
    }),
    emitOrderDelivered: emit(({ context, event }) => ({
      type: 'order.delivered' as const,
      orderId: context.orderId,
      at: event.at,
    })),
  },
}).createMachine({
  id: 'order',
  version: '1',
  context: ({ input }) => ({
    orderId: input.orderId,
    customerId: input.customerId,
    items: input.items,
    totalCents: input.items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
    shippingAddress: input.shippingAddress,
    ...(input.deliveryInstructions === undefined ? {} : { deliveryInstructions: input.deliveryInstructions }),
    statusHistory: [{ status: 'PENDING', at: input.at }],
    trackingEvents: [],
    createdAt: input.at,
    updatedAt: input.at,
  }),
  entry: 'emitOrderCreated',
  initial: 'PENDING',
  states: {
    PENDING: {
      description: 'Placed by the customer; waiting for confirmation.',
      tags: ['cancellable'],
      on: {
        'order.confirm': { target: 'CONFIRMED' },
        'order.cancel': { target: 'CANCELLED', actions: 'recordCancellationReason' },
      },
    },
    CONFIRMED: {
      description: 'Stock reserved and payment taken; waiting for the warehouse.',
      tags: ['cancellable'],
      entry: enter('CONFIRMED'),
      on: {
        'order.process': { target: 'PROCESSING' },
        'order.cancel': { target: 'CANCELLED', actions: 'recordCancellationReason' },
      },
    },
    PROCESSING: {
      description: 'Being picked and packed; the carrier pick-up ships it.',
      tags: ['cancellable'],
      entry: enter('PROCESSING'),
      on: {
        'order.ship': { target: 'SHIPPED' },
        'shipment.pickedUp': { target: 'SHIPPED', actions: 'recordTrackingEvent' },
        'order.cancel': { target: 'CANCELLED', actions: 'recordCancellationReason' },
      },
    },
    SHIPPED: {
      description: 'With the carrier; tracking events are recorded as they arrive.',
      entry: [...enter('SHIPPED'), 'emitInventoryCommits'],
      on: {
        'shipment.pickedUp': {
          actions: 'recordTrackingEvent',
          description: 'A repeated pick-up scan is recorded.',
        },
        'shipment.inTransit': { actions: 'recordTrackingEvent' },
        'shipment.outForDelivery': { actions: 'recordTrackingEvent' },
        'shipment.delivered': { target: 'DELIVERED', actions: 'recordTrackingEvent' },
        'order.deliver': { target: 'DELIVERED' },
      },
    },
    DELIVERED: {
      description: 'Handed to the customer.',
      type: 'final',
      entry: [...enter('DELIVERED'), 'emitOrderDelivered'],
    },
    CANCELLED: {
      description: 'Cancelled before shipping; the reason is kept.',
      type: 'final',
      entry: [...enter('CANCELLED'), 'emitOrderCancelled'],
    },
  },
});

export type OrderMachine = typeof orderMachine;
