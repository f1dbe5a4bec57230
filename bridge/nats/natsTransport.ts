import { headers, type NatsConnection, RequestError, TimeoutError } from '@nats-io/transport-node';
import { z } from 'zod';
import { type ActorRef, type Envelope, envelopeSchema, formatRef, HEADERS } from '../../actors/envelope.ts';
import {
  errorFromPayload,
  errorPayloadSchema,
  InternalError,
  TransportTimeoutError,
  TransportUnavailableError,
  toTrackOpsError,
} from '../../actors/errors.ts';
import type { DeliveryHandler, DeliveryResult, Logger, Served, TransportPort } from '../../actors/ports.ts';
import { shardOf } from '../../actors/shards.ts';
import { actorSubject, allActorsSubject, refFromSubject, shardSubject } from './subjects.ts';

/**
 * TransportPort over NATS request/reply. The request body is the envelope; the reply is either the persisted
 * result or a typed error payload, so a rejection reaches the caller as the same error class the actor threw.
 */
const replySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    result: z.object({
      status: z.literal('persisted'),
      duplicate: z.boolean(),
      version: z.number().int(),
      state: z.unknown(),
      context: z.unknown(),
    }),
  }),
  z.object({ ok: z.literal(false), error: errorPayloadSchema }),
]);

type Reply = z.infer<typeof replySchema>;

export interface NatsTransportOptions {
  readonly connection: NatsConnection;
  readonly namespace: string;
  readonly logger: Logger;
  readonly defaultTimeoutMs: number;
  /** How many shards actor ids map to (the same on every node). */
  readonly shards: number;
}

export function createNatsTransport(options: NatsTransportOptions): TransportPort {
  const { connection, namespace, logger } = options;

  async function answer(handler: DeliveryHandler, subject: string, data: Uint8Array): Promise<Reply> {
    const ref = refFromSubject(namespace, subject);
    if (!ref) return failure(new InternalError(`not an actor subject: ${subject}`));
    const parsed = envelopeSchema.safeParse(safeJson(data));
    if (!parsed.success)
      return failure(
        new InternalError(`malformed envelope for ${formatRef(ref)}`, { issues: parsed.error.issues }),
      );
    try {
      return { ok: true, result: await handler(ref, parsed.data) };
    } catch (error) {
      return failure(toTrackOpsError(error));
    }
  }

  function subscribe(subject: string, handler: DeliveryHandler, queue?: string): Served {
    const subscription = connection.subscribe(subject, {
      ...(queue ? { queue } : {}),
      callback: (error, message) => {
        if (error) {
          logger.error({ err: error }, 'actor subscription failed');
          return;
        }
        // Not awaited: each actor's mailbox orders its own messages; different actors run concurrently.
        void answer(handler, message.subject, message.data).then((reply) => {
          if (!reply.ok && reply.error.code === 'INTERNAL')
            logger.error({ error: reply.error }, 'actor turn failed');
          message.respond(JSON.stringify(reply));
        });
      },
    });
    return {
      async stop() {
        // Drain: requests already received are answered before the subscription closes.
        await subscription.drain();
      },
    };
  }

  /**
   * One request, retried with backoff until the deadline while the shard has no holder or is moving: nobody
   * subscribed (mid-handover), or the node that answered no longer hosts it (a lease lost while the turn ran).
   */
  async function requestUntilHosted(ref: ActorRef, envelope: Envelope, timeoutMs: number): Promise<Reply> {
    const subject = actorSubject(namespace, ref, shardOf(ref, options.shards));
    const deadline = Date.now() + timeoutMs;
    // The body carries the whole envelope; the headers let NATS tooling see which message and flow this is.
    const tracing = headers();
    tracing.set(HEADERS.messageId, envelope.id);
    tracing.set(HEADERS.correlationId, envelope.correlationId);
    for (let backoffMs = 25; ; backoffMs = Math.min(backoffMs * 2, 500)) {
      let data: unknown;
      try {
        const message = await connection.request(subject, JSON.stringify(envelope), {
          timeout: Math.max(1, deadline - Date.now()),
          headers: tracing,
        });
        data = message.json();
      } catch (error) {
        const noResponders = error instanceof RequestError && error.isNoResponders();
        if (!noResponders || Date.now() + backoffMs >= deadline) throw transportError(ref, timeoutMs, error);
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        continue;
      }
      const reply = parseReply(ref, data);
      const moving = !reply.ok && reply.error.code === 'NOT_OWNER';
      if (!moving || Date.now() + backoffMs >= deadline) return reply;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }

  return {
    async serve(handler): Promise<Served> {
      const served = subscribe(allActorsSubject(namespace), handler, `${namespace}.runtime`);
      await connection.flush();
      return served;
    },

    async serveShard(shard, handler): Promise<Served> {
      const served = subscribe(shardSubject(namespace, shard), handler);
      await connection.flush();
      return served;
    },

    async request(ref: ActorRef, envelope, requestOptions): Promise<DeliveryResult> {
      const timeout = requestOptions?.timeoutMs ?? options.defaultTimeoutMs;
      const reply = await requestUntilHosted(ref, envelope, timeout);
      if (!reply.ok) throw errorFromPayload(reply.error);
      return reply.result as DeliveryResult;
    },
  };
}

function parseReply(ref: ActorRef, data: unknown): Reply {
  const reply = replySchema.safeParse(data);
  if (!reply.success)
    throw new InternalError(`malformed reply from ${formatRef(ref)}`, { issues: reply.error.issues });
  return reply.data;
}

function failure(error: ReturnType<typeof toTrackOpsError>): Reply {
  return { ok: false, error: error.toPayload() };
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

function transportError(ref: ActorRef, timeoutMs: number, error: unknown): Error {
  if (error instanceof RequestError && error.isNoResponders()) {
    return new TransportUnavailableError(
      `no runtime node hosts ${formatRef(ref)} right now`,
      { ref },
      { cause: error },
    );
  }
  if (
    error instanceof TimeoutError ||
    (error instanceof RequestError && error.cause instanceof TimeoutError)
  ) {
    return new TransportTimeoutError(
      `${formatRef(ref)} did not answer within ${timeoutMs} ms`,
      { ref, timeoutMs },
      {
        cause: error,
      },
    );
  }
  return new TransportUnavailableError(
    `NATS request to ${formatRef(ref)} failed: ${String(error)}`,
    { ref },
    { cause: error },
  );
}
