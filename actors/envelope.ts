import { z } from 'zod';

/**
 * The one message shape that crosses every hop: tRPC command -> NATS request -> actor turn -> outbox -> Kafka.
 * Header names are defined here once so NATS, Kafka records and outbox rows agree.
 */
export const envelopeSchema = z.object({
  /** Unique per message; the idempotency key of the receiving actor. */
  id: z.string().min(1).max(200),
  /** The command or fact name, e.g. `order.create`, `order.created`. */
  type: z.string().min(1).max(200),
  payload: z.unknown(),
  correlationId: z.string().min(1).max(200),
  /** Id of the message whose handling produced this one. */
  causationId: z.string().max(200).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.number().int().positive(),
  /** Who sent it, when a person did rather than the system (an operator's `actors send`); journaled. */
  sentBy: z.string().max(200).optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

export const HEADERS = {
  messageId: 'message-id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  producedAt: 'produced-at',
} as const;

export type ActorType = string;

/** The address of one actor. */
export interface ActorRef {
  readonly type: ActorType;
  readonly id: string;
}

export const actorRefSchema = z.object({ type: z.string().min(1), id: z.string().min(1).max(200) });

export const formatRef = (ref: ActorRef): string => `${ref.type}/${ref.id}`;

export function createEnvelope(
  fields: Pick<Envelope, 'type' | 'payload'> & Partial<Omit<Envelope, 'type' | 'payload'>>,
): Envelope {
  const id = fields.id ?? crypto.randomUUID();
  return {
    id,
    type: fields.type,
    payload: fields.payload,
    correlationId: fields.correlationId ?? id,
    causationId: fields.causationId,
    occurredAt: fields.occurredAt ?? new Date().toISOString(),
    schemaVersion: fields.schemaVersion ?? 1,
    ...(fields.sentBy === undefined ? {} : { sentBy: fields.sentBy }),
  };
}
