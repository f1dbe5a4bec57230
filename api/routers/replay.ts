import { setTimeout as sleep } from 'node:timers/promises';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Replay, ReplayCounts, ReplayRequest, ReplaySummary } from '../../bridge/kafka/replay.ts';
import { parseReplayPosition } from '../../bridge/kafka/replayRange.ts';
import { anyText, text } from '../../machines/shared/text.ts';
import { publicProcedure, router } from '../trpc.ts';

/**
 * `replay.run` (subscription, SSE): re-drives a range of Kafka records through the event router on this node and
 * streams its progress, then the summary. Bad input (unknown topic, unparseable position, from after to) is
 * BAD_REQUEST before anything is read. A client that goes away stops the replay.
 */
export type ReplayEvent = ({ kind: 'progress' } & ReplayCounts) | { kind: 'done'; summary: ReplaySummary };

/** Progress is sent at most this often (the final counts always are). */
const PROGRESS_INTERVAL_MS = 200;
/** And at least this often, unchanged if need be, so a quiet stream (a slow rate, a long rebuild) stays open. */
const KEEPALIVE_MS = 15_000;

const position = z.union([anyText(100), z.number().int().nonnegative()]).transform((value, ctx) => {
  const parsed = parseReplayPosition(String(value));
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time or a non-negative offset' });
    return z.NEVER;
  }
  return parsed;
});

export const replayInput = z.object({
  /** Base topic names, e.g. `order.created`. */
  topics: z.array(text(249)).min(1).max(50),
  from: position,
  /** Exclusive; the high watermark at the start by default. */
  to: position.optional(),
  key: anyText(500).min(1).optional(),
  dryRun: z.boolean().default(false),
  /** Records per second at most. */
  rate: z.number().positive().max(100_000).optional(),
  rebuildReadModels: z.boolean().default(false),
});

export const replayRouter = router({
  run: publicProcedure.input(replayInput).subscription(async function* ({ ctx, input, signal }) {
    const request: ReplayRequest = input;
    const problem = ctx.deps.replay.problem(request);
    if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: problem });
    yield* streamReplay(ctx.deps.replay, request, signal);
  }),
});

async function* streamReplay(
  replay: Replay,
  request: ReplayRequest,
  signal: AbortSignal | undefined,
): AsyncGenerator<ReplayEvent> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let latest: ReplayCounts | undefined;
  let sent: ReplayCounts | undefined;
  let wake: (() => void) | undefined;
  let finished = false;
  const running = replay.run(request, {
    signal: stop.signal,
    onProgress: (counts) => {
      latest = counts;
      wake?.();
    },
  });
  const settled = () => {
    finished = true;
    wake?.();
  };
  running.then(settled, settled);
  try {
    while (!finished) {
      const idle = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), KEEPALIVE_MS);
        wake = () => {
          clearTimeout(timer);
          resolve(false);
        };
        if (latest || finished) wake();
      });
      wake = undefined;
      const counts = latest ?? (idle ? sent : undefined);
      if (!counts) continue;
      latest = undefined;
      sent = counts;
      yield { kind: 'progress', ...counts };
      await sleep(PROGRESS_INTERVAL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
    }
    const summary = await running;
    yield { kind: 'progress', ...countsOf(summary) };
    yield { kind: 'done', summary };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await running.catch(() => undefined);
  }
}

const countsOf = ({
  total,
  read,
  applied,
  alreadyApplied,
  skipped,
  failed,
}: ReplaySummary): ReplayCounts => ({
  total,
  read,
  applied,
  alreadyApplied,
  skipped,
  failed,
});
