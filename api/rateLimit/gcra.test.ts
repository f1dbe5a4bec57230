import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { defineGcra, gcraLimit } from './gcra.ts';

/** A client whose script replies `reply`, recording what it was called with (the script itself runs in Redis). */
function clientReplying(reply: unknown) {
  const calls: unknown[][] = [];
  const client = {
    defineCommand(name: string) {
      const command = async (...args: unknown[]) => {
        calls.push(args);
        return reply;
      };
      Object.assign(client, { [name]: command });
    },
  };
  return { redis: client as unknown as Redis, calls };
}

describe('gcraLimit', () => {
  it('when a limit is calls per window, then T is window / calls in µs and the span is calls x T', () => {
    expect(gcraLimit(10, 1000)).toEqual({ intervalUs: 100_000, spanUs: 1_000_000 });
    expect(gcraLimit(2000, 1000)).toEqual({ intervalUs: 500, spanUs: 1_000_000 });
    expect(gcraLimit(1, 1)).toEqual({ intervalUs: 1000, spanUs: 1000 });
    // T is rounded to whole µs, and the span follows it so that exactly `calls` fit in a rested bucket.
    expect(gcraLimit(3, 2000)).toEqual({ intervalUs: 666_667, spanUs: 2_000_001 });
  });

  it.each([
    [0, 1000, 'at least 1'],
    [1.5, 1000, 'at least 1'],
    [10, 0, 'from 1 ms to 1y'],
    [10, 0.5, 'from 1 ms to 1y'],
    [10, 31_557_600_001, 'from 1 ms to 1y'],
    [100_001, 1000, 'more than one call per 10 µs'],
  ])('%s calls per %s ms is refused (%s)', (calls, windowMs, problem) => {
    expect(() => gcraLimit(calls, windowMs)).toThrow(RangeError);
    expect(() => gcraLimit(calls, windowMs)).toThrow(problem);
  });
});

describe('defineGcra', () => {
  const limit = gcraLimit(10, 1000);

  it('sends the key, T and the span to the script', async () => {
    const { redis, calls } = clientReplying([1, 0]);
    expect(await defineGcra(redis)('ns:ratelimit:customer:k1', limit)).toEqual({ allowed: true });
    expect(calls).toEqual([['ns:ratelimit:customer:k1', 100_000, 1_000_000]]);
  });

  it('when the script refuses, then the wait is rounded up to whole ms, never 0', async () => {
    expect(await defineGcra(clientReplying([0, 99_001]).redis)('k', limit)).toEqual({
      allowed: false,
      retryAfterMs: 100,
    });
    expect(await defineGcra(clientReplying([0, 1]).redis)('k', limit)).toEqual({
      allowed: false,
      retryAfterMs: 1,
    });
  });

  it('when the reply is not the script’s, then it throws (and the limiter treats Redis as down)', async () => {
    await expect(defineGcra(clientReplying('OK').redis)('k', limit)).rejects.toThrow(TypeError);
  });
});
