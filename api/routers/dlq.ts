import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { toTrackOpsError } from '../../actors/errors.ts';
import { type DeadLetterView, recordOfDeadLetter } from '../../db/deadLetterStore.ts';
import { anyText, text } from '../../machines/shared/text.ts';
import type { Context } from '../context.ts';
import { publicProcedure, router } from '../trpc.ts';

/**
 * Dead letters: list what was parked, and redrive it through the same routing as live records. A redrive that
 * reaches its actor (or is skipped, or answered on a missing actor's behalf) marks the dead letter redriven; one
 * that fails again marks it redrive_failed with the reason, and it can be redriven later.
 */
const DEAD_LETTER_STATUSES = ['parked', 'redriven', 'redrive_failed'] as const;
/** Statuses a redrive picks up. */
const REDRIVABLE = ['parked', 'redrive_failed'] as const;
/** Most dead letters of each redrivable status one topic redrive takes; redrive again for the rest. */
const REDRIVE_BATCH = 1000;

const topicInput = text(249);

export const listDeadLettersInput = z
  .object({
    topic: topicInput.optional(),
    status: z.enum(DEAD_LETTER_STATUSES).optional(),
    /** Only the dead letters of this record key (an order id, a SKU). */
    key: anyText(500).min(1).optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .default({ limit: 50 });

export const redriveInput = z
  .object({ id: z.uuid().optional(), topic: topicInput.optional() })
  .refine((input) => (input.id === undefined) !== (input.topic === undefined), {
    message: 'give either an id or a topic',
  });

export interface RedriveResult {
  redriven: number;
  failed: { id: string; reason: string }[];
}

async function redrivable(ctx: Context, input: { id?: string; topic?: string }): Promise<DeadLetterView[]> {
  const { deadLetters } = ctx.deps;
  if (input.id !== undefined) {
    const view = await deadLetters.get(input.id);
    if (!view) throw new TRPCError({ code: 'NOT_FOUND', message: `dead letter ${input.id} does not exist` });
    return (REDRIVABLE as readonly string[]).includes(view.status) ? [view] : [];
  }
  const lists = await Promise.all(
    REDRIVABLE.map((status) => deadLetters.list({ topic: input.topic, status, limit: REDRIVE_BATCH })),
  );
  return lists
    .flat()
    .sort(
      (a, b) =>
        Date.parse(a.failedAt) - Date.parse(b.failedAt) ||
        a.partition - b.partition ||
        Number(BigInt(a.offset) - BigInt(b.offset)),
    );
}

async function redrive(ctx: Context, views: readonly DeadLetterView[]): Promise<RedriveResult> {
  const { deadLetters, router: eventRouter } = ctx.deps;
  const result: RedriveResult = { redriven: 0, failed: [] };
  // One at a time, oldest first: records of one key keep their relative order.
  for (const view of views) {
    let reason: string | undefined;
    try {
      const outcome = await eventRouter.redeliver(recordOfDeadLetter(view));
      if (outcome.kind === 'dead_lettered') {
        reason = `${outcome.failure.error.code}: ${outcome.failure.error.message}`;
      }
    } catch (error) {
      const typed = toTrackOpsError(error);
      reason = `${typed.code}: ${typed.message}`;
    }
    if (reason === undefined) {
      await deadLetters.markRedriven(view.id);
      result.redriven += 1;
    } else {
      await deadLetters.markRedriveFailed(view.id, reason);
      result.failed.push({ id: view.id, reason });
    }
  }
  return result;
}

export const dlqRouter = router({
  list: publicProcedure.input(listDeadLettersInput).query(({ ctx, input }) =>
    ctx.deps.deadLetters.list({
      limit: input.limit,
      ...(input.topic !== undefined ? { topic: input.topic } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.key !== undefined ? { key: input.key } : {}),
    }),
  ),

  redrive: publicProcedure
    .input(redriveInput)
    .mutation(async ({ ctx, input }) => redrive(ctx, await redrivable(ctx, input))),
});
