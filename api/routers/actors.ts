import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createEnvelope } from '../../actors/envelope.ts';
import {
  actorAt,
  findActor,
  journalByCorrelation,
  journalOf,
  listActors,
  pendingEvents,
  pendingTimers,
} from '../../db/actorQueries.ts';
import { registry } from '../../machines/registry.ts';
import { text } from '../../machines/shared/text.ts';
import { watchActor } from '../actorWatch.ts';
import type { Context } from '../context.ts';
import { publicProcedure, router } from '../trpc.ts';

/**
 * Operator access to any actor: find them, inspect one (state, context, host node, timers, journal, unpublished
 * events, dead letters), travel back to an earlier version, watch it live, and send it an event (audited).
 */
const ACTOR_TYPES = [...registry.keys()];

const actorType = z.string().refine((type) => ACTOR_TYPES.includes(type), {
  message: `unknown actor type; one of ${ACTOR_TYPES.join(', ')}`,
});
const actorId = text(200);
export const actorRefInput = z.object({ type: actorType, id: actorId });

export const listActorsInput = z
  .object({
    type: actorType.optional(),
    state: text(100).optional(),
    /** Only unfinished actors whose last turn is at least this old (milliseconds). */
    stuckForMs: z
      .number()
      .int()
      .min(0)
      .max(365 * 24 * 3_600_000)
      .optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .default({ limit: 50 });

export const journalInput = actorRefInput.extend({
  limit: z.number().int().min(1).max(500).default(50),
  beforeVersion: z.number().int().min(1).optional(),
});

/** True when a JSON value nests no deeper than `max` (checked without recursion, so any depth is safe to test). */
function nestsAtMost(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return true;
}

export const sendEventInput = actorRefInput.extend({
  // An event is a machine's message: a few levels deep at most. A deeper one would not even serialize for NATS.
  event: z
    .looseObject({ type: z.string().trim().min(1).max(200) })
    .refine((event) => nestsAtMost(event, 16), 'an event nests at most 16 levels deep'),
  /** Recorded in the journal as the sender; defaults to `admin`. */
  sentBy: text(200).optional(),
});

async function inspect(ctx: Context, ref: { type: string; id: string }) {
  const em = ctx.deps.orm.em.fork();
  const actor = await findActor(em, ref);
  if (!actor) throw new TRPCError({ code: 'NOT_FOUND', message: `${ref.type} ${ref.id} does not exist` });
  const [host, timers, journal, unpublished, deadLetters] = await Promise.all([
    ctx.deps.leases.hostOf(ref),
    pendingTimers(em.fork(), ref),
    journalOf(em.fork(), ref, { limit: 20 }),
    pendingEvents(em.fork(), ref),
    ctx.deps.deadLetters.list({ key: ref.id, limit: 50 }),
  ]);
  return { ...actor, host: host ?? null, timers, journal, unpublished, deadLetters };
}

export const actorsRouter = router({
  types: publicProcedure.query(() => ACTOR_TYPES),

  list: publicProcedure
    .input(listActorsInput)
    .query(({ ctx, input }) => listActors(ctx.deps.orm.em.fork(), input)),

  inspect: publicProcedure.input(actorRefInput).query(({ ctx, input }) => inspect(ctx, input)),

  journal: publicProcedure.input(journalInput).query(({ ctx, input }) =>
    journalOf(ctx.deps.orm.em.fork(), input, {
      limit: input.limit,
      ...(input.beforeVersion === undefined ? {} : { beforeVersion: input.beforeVersion }),
    }),
  ),

  /** The actor as it was right after `version`: time travel over its journal. */
  at: publicProcedure
    .input(actorRefInput.extend({ version: z.number().int().min(1) }))
    .query(async ({ ctx, input }) => {
      const found = await actorAt(ctx.deps.orm.em.fork(), input, input.version);
      if (!found) {
        const message = `${input.type} ${input.id} has no journal entry for version ${input.version}`;
        throw new TRPCError({ code: 'NOT_FOUND', message });
      }
      return { ...found.entry, stateValue: found.snapshot.value, context: found.snapshot.context };
    }),

  /** Every journal entry of one correlation id (an order's story across its actors), oldest first. */
  trace: publicProcedure
    .input(
      z.object({
        correlationId: text(200),
        limit: z.number().int().min(1).max(1000).default(200),
      }),
    )
    .query(({ ctx, input }) =>
      journalByCorrelation(ctx.deps.orm.em.fork(), input.correlationId, input.limit),
    ),

  /** Streams (SSE) the actor's state: the current one, then every committed turn. */
  watch: publicProcedure.input(actorRefInput).subscription(async function* ({ ctx, input, signal }) {
    yield* watchActor(ctx, input, signal);
  }),

  /** Delivers an event to the actor as an operator; the journal records who sent it. */
  send: publicProcedure.input(sendEventInput).mutation(async ({ ctx, input }) => {
    const { type, ...payload } = input.event;
    const envelope = createEnvelope({
      type,
      payload,
      sentBy: input.sentBy ?? 'admin',
      correlationId: ctx.correlationId,
    });
    const result = await ctx.deps.transport.request({ type: input.type, id: input.id }, envelope, {
      timeoutMs: ctx.deps.commandTimeoutMs,
    });
    return { messageId: envelope.id, ...result };
  }),
});
