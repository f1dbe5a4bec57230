import { TRPCError } from '@trpc/server';
import { withDeadline } from '../../actors/withDeadline.ts';

/**
 * A subscription (SSE) outlives the call that opened it, so its key is checked again while it streams: every
 * `intervalMs` without an event, and before each event once that long has passed. When the key has been revoked,
 * the stream ends with UNAUTHORIZED. A key store that does not answer does not end a stream already authorized.
 */
export const STREAM_KEY_RECHECK_MS = 5000;

export async function* endWhenRevoked<T>(
  source: AsyncIterable<T>,
  stillValid: () => Promise<boolean>,
  intervalMs = STREAM_KEY_RECHECK_MS,
): AsyncGenerator<T, void> {
  const iterator = source[Symbol.asyncIterator]();
  let checkedAt = Date.now();
  const check = async () => {
    checkedAt = Date.now();
    const valid = await stillValid().catch(() => true);
    if (!valid) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the API key has been revoked' });
  };
  let waiting = false;
  try {
    for (;;) {
      const next = iterator.next();
      waiting = true;
      let step = await raceTimeout(next, intervalMs - (Date.now() - checkedAt));
      while (step === TIMED_OUT) {
        await check();
        step = await raceTimeout(next, intervalMs);
      }
      waiting = false;
      if (step.done) return;
      if (Date.now() - checkedAt >= intervalMs) await check();
      yield step.value;
    }
  } finally {
    // With a next() still pending, the source ends when the request's signal aborts (the response closes); its
    // return() runs then, so it is not awaited here (that would hold the UNAUTHORIZED back until then).
    const closing = iterator.return?.();
    if (waiting) void closing?.catch(() => undefined);
    else await closing;
  }
}

const TIMED_OUT = Symbol('timed out');

function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return withDeadline(promise, ms, () => TIMED_OUT);
}
