import { z } from 'zod';
import type { ActorDefinition, ActorRegistry } from '../actors/actorDefinition.ts';
import type { ActorRef, Envelope } from '../actors/envelope.ts';
import { InvalidCommandError } from '../actors/errors.ts';
import {
  cancellationSagaEventSchema,
  cancellationSagaInputSchema,
} from './cancellationSaga/cancellationSagaEvents.ts';
import { cancellationSagaMachine } from './cancellationSaga/cancellationSagaMachine.ts';
import {
  INVENTORY_ITEM_CREATE,
  inventoryItemEventSchema,
  inventoryItemInputSchema,
} from './inventoryItem/inventoryItemEvents.ts';
import { inventoryItemMachine } from './inventoryItem/inventoryItemMachine.ts';
import { ORDER_CREATE, type OrderContext, orderEventSchema, orderInputSchema } from './order/orderEvents.ts';
import { orderMachine } from './order/orderMachine.ts';
import { orderSagaEventSchema, orderSagaInputSchema } from './orderSaga/orderSagaEvents.ts';
import { orderSagaMachine } from './orderSaga/orderSagaMachine.ts';
import { mergeLines } from './orderSaga/sagaLines.ts';
import { type PaymentRules, paymentEventSchema } from './payment/paymentEvents.ts';
import { paymentMachine } from './payment/paymentMachine.ts';

/**
 * Actor type -> machine, message parsing and snapshot migrations: the one list the runtime, API and web read.
 * Deployment settings (saga timeout, gateway rules) enter the machines only as creation input, so the machines
 * stay pure and a snapshot keeps the settings it was created with.
 */
export interface RegistrySettings {
  readonly sagaStepTimeoutMs: number;
  readonly paymentRules: PaymentRules;
}

export const DEFAULT_REGISTRY_SETTINGS: RegistrySettings = {
  sagaStepTimeoutMs: 30_000,
  paymentRules: { declineAboveCents: 1_000_000, declinedCustomerIds: [] },
};

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidCommandError(`${what} is invalid: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}

const payloadObject = (envelope: Envelope): Record<string, unknown> =>
  typeof envelope.payload === 'object' && envelope.payload !== null
    ? (envelope.payload as Record<string, unknown>)
    : {};

/** A message as a machine event: its payload, its type, and `at` (when it occurred) for the machine's records. */
const eventParser =
  (schema: z.ZodType) =>
  (envelope: Envelope): { type: string } =>
    parseOrThrow(
      schema,
      { ...payloadObject(envelope), type: envelope.type, at: envelope.occurredAt },
      envelope.type,
    ) as {
      type: string;
    };

export const orderDefinition: ActorDefinition = {
  type: 'order',
  machine: orderMachine,
  creation: {
    events: [ORDER_CREATE],
    toInput: (ref, envelope) =>
      parseOrThrow(
        orderInputSchema,
        { ...payloadObject(envelope), orderId: ref.id, at: envelope.occurredAt },
        ORDER_CREATE,
      ),
  },
  toEvent: eventParser(orderEventSchema),
  migrations: {},
};

function orderSagaDefinition(settings: RegistrySettings): ActorDefinition {
  return {
    type: 'orderSaga',
    machine: orderSagaMachine,
    creation: {
      events: ['order.created'],
      toInput: (ref: ActorRef, envelope: Envelope) => {
        const order = payloadObject(envelope)['order'] as OrderContext | undefined;
        const input = order && {
          orderId: ref.id,
          customerId: order.customerId,
          lines: mergeLines(order.items), // a reservation is per SKU; an order may list one twice
          totalCents: order.totalCents,
          stepTimeoutMs: settings.sagaStepTimeoutMs,
          at: envelope.occurredAt,
        };
        return parseOrThrow(orderSagaInputSchema, input, 'order.created');
      },
    },
    toEvent: eventParser(orderSagaEventSchema),
    migrations: {},
  };
}

function cancellationSagaDefinition(settings: RegistrySettings): ActorDefinition {
  return {
    type: 'cancellationSaga',
    machine: cancellationSagaMachine,
    creation: {
      events: ['order.cancelled'],
      toInput: (_ref, envelope) =>
        parseOrThrow(
          cancellationSagaInputSchema,
          { ...payloadObject(envelope), stepTimeoutMs: settings.sagaStepTimeoutMs, at: envelope.occurredAt },
          'order.cancelled',
        ),
    },
    toEvent: eventParser(cancellationSagaEventSchema),
    migrations: {},
  };
}

export const inventoryItemDefinition: ActorDefinition = {
  type: 'inventoryItem',
  machine: inventoryItemMachine,
  creation: {
    events: [INVENTORY_ITEM_CREATE],
    toInput: (ref, envelope) =>
      parseOrThrow(
        inventoryItemInputSchema,
        { ...payloadObject(envelope), sku: ref.id, at: envelope.occurredAt },
        INVENTORY_ITEM_CREATE,
      ),
  },
  toEvent: eventParser(inventoryItemEventSchema),
  migrations: {},
};

function paymentDefinition(settings: RegistrySettings): ActorDefinition {
  const parse = eventParser(paymentEventSchema);
  return {
    type: 'payment',
    machine: paymentMachine,
    // A refund may overtake its charge (different topics): either one creates the payment (docs/sagas.md).
    creation: {
      events: ['payment.charge', 'payment.refund'],
      toInput: (_ref, envelope) => ({ rules: settings.paymentRules, first: parse(envelope) }),
    },
    toEvent: parse,
    migrations: {},
  };
}

export function createRegistry(settings: RegistrySettings = DEFAULT_REGISTRY_SETTINGS): ActorRegistry {
  const definitions = [
    orderDefinition,
    orderSagaDefinition(settings),
    cancellationSagaDefinition(settings),
    inventoryItemDefinition,
    paymentDefinition(settings),
  ];
  return new Map(definitions.map((definition) => [definition.type, definition]));
}

/** The registry with default settings: for tools that only read definitions (diagrams, tests). */
export const registry: ActorRegistry = createRegistry();
