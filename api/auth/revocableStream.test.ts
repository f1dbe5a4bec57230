import { EventEmitter, on } from 'node:events';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/waitFor.ts';
import { endWhenRevoked } from './revocableStream.ts';

/** A stream fed by hand, which ends when its signal aborts (as a subscription's source does). */
function handFed() {
  const emitter = new EventEmitter();
  const abort = new AbortController();
  let closed = false;
  async function* source() {
    try {
      for await (const [value] of on(emitter, 'value', { signal: abort.signal })) yield value as number;
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      closed = true;
    }
  }
  return { emitter, abort, source: source(), closed: () => closed };
}

describe('a stream that ends when its key is revoked', () => {
  it('passes events through while the key stays valid', async () => {
    const fed = handFed();
    let checks = 0;
    const stream = endWhenRevoked(fed.source, async () => ++checks > 0, 10);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const value of stream) {
        seen.push(value);
        if (value === 3) break;
      }
    })();
    for (const value of [1, 2, 3]) {
      // Each event comes after at least one more timed check of the key, so checks and events interleave.
      const before = checks;
      await waitFor(() => checks > before, { timeoutMs: 2000, what: 'a check of the key' });
      fed.emitter.emit('value', value);
    }
    await reading;
    expect(seen).toEqual([1, 2, 3]);
    expect(checks).toBeGreaterThan(0);
    expect(fed.closed()).toBe(true);
  });

  it('ends with UNAUTHORIZED within one interval of the revocation, even with no event', async () => {
    const fed = handFed();
    let valid = true;
    let checks = 0;
    const stream = endWhenRevoked(
      fed.source,
      async () => {
        checks += 1;
        return valid;
      },
      20,
    );
    const reading = (async () => {
      for await (const _ of stream) {
        // nothing arrives
      }
    })();
    // Revoked once the stream has been checked and found valid.
    await waitFor(() => checks > 0, { timeoutMs: 2000, what: 'a first check of the key' });
    valid = false;
    const error = await reading.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', message: 'the API key has been revoked' });
    fed.abort.abort();
    await waitFor(() => fed.closed(), { timeoutMs: 2000, what: 'the source closed' });
  });

  it('keeps streaming when the key store does not answer', async () => {
    const fed = handFed();
    let failedChecks = 0;
    const stream = endWhenRevoked(
      fed.source,
      () => {
        failedChecks += 1;
        return Promise.reject(new Error('db down'));
      },
      5,
    );
    const next = stream.next();
    // The event comes only after the key store has failed to answer twice: the stream outlived both.
    await waitFor(() => failedChecks >= 2, { timeoutMs: 2000, what: 'two failed checks' });
    fed.emitter.emit('value', 7);
    const first = await next;
    expect(first).toEqual({ done: false, value: 7 });
    await stream.return();
  });
});
