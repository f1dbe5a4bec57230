import { z } from 'zod';
import type { ActorDefinition, ActorRegistry } from '../actors/actorDefinition.ts';
import type { Envelope } from '../actors/envelope.ts';
import { InvalidCommandError } from '../actors/errors.ts';
import { ORDER_CREATE, orderEventSchema, orderInputSchema } from './order/orderEvents.ts';
import { orderMachine } from './order/orderMachine.ts';

/** Actor type -> machine, message parsing and snapshot migrations: the one list the runtime, API and web read. */
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

export const orderDefinition: ActorDefinition = {
  type: 'order',
  machine: orderMachine,
  creation: {
    event: ORDER_CREATE,
    toInput: (ref, envelope) =>
      parseOrThrow(
        orderInputSchema,
        { ...payloadObject(envelope), orderId: ref.id, at: envelope.occurredAt },
        ORDER_CREATE,
      ),
  },
  toEvent: (envelope) =>
    parseOrThrow(
      orderEventSchema,
      { ...payloadObject(envelope), type: envelope.type, at: envelope.occurredAt },
      envelope.type,
    ),
  migrations: {},
};

export const registry: ActorRegistry = new Map([[orderDefinition.type, orderDefinition]]);
