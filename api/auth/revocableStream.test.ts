import { EventEmitter, on } from 'node:events';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
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
      await new Promise((resolve) => setTimeout(resolve, 15));
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
    const stream = endWhenRevoked(fed.source, async () => valid, 20);
    const reading = (async () => {
      for await (const _ of stream) {
        // nothing arrives
      }
    })();
    setTimeout(() => {
      valid = false;
    }, 30);
    const error = await reading.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', message: 'the API key has been revoked' });
    fed.abort.abort();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fed.closed()).toBe(true);
  });

  it('keeps streaming when the key store does not answer', async () => {
    const fed = handFed();
    const stream = endWhenRevoked(fed.source, () => Promise.reject(new Error('db down')), 5);
    setTimeout(() => fed.emitter.emit('value', 7), 40);
    const first = await stream.next();
    expect(first).toEqual({ done: false, value: 7 });
    await stream.return();
  });
});
