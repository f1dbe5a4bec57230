import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOffsetCommitter } from './offsetCommitter.ts';

type Offsets = { topic: string; partition: number; offset: string }[];

function fakeConsumer(fail = false) {
  const requests: Offsets[] = [];
  return {
    requests,
    commitOffsets: async (offsets: Offsets) => {
      requests.push(offsets);
      if (fail) throw new Error('rebalance in progress');
    },
  };
}

describe('offset committer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when batches finish within an interval, then one request commits the latest offset of each partition', async () => {
    const consumer = fakeConsumer();
    const committer = createOffsetCommitter(consumer, { intervalMs: 100, onError: () => undefined });

    committer.commit('orders', 0, '5');
    committer.commit('orders', 1, '3');
    committer.commit('orders', 0, '9');
    expect(consumer.requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);

    expect(consumer.requests).toEqual([
      [
        { topic: 'orders', partition: 0, offset: '9' },
        { topic: 'orders', partition: 1, offset: '3' },
      ],
    ]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(consumer.requests).toHaveLength(1);
  });

  it('when flushed, then it commits at once, and only what is pending', async () => {
    const consumer = fakeConsumer();
    const committer = createOffsetCommitter(consumer, { intervalMs: 100, onError: () => undefined });
    committer.commit('payments', 2, '7');

    await committer.flush();
    await committer.flush();
    await vi.advanceTimersByTimeAsync(100);

    expect(consumer.requests).toEqual([[{ topic: 'payments', partition: 2, offset: '7' }]]);
  });

  it('when a commit fails, then the error is reported, not thrown, and later offsets are still committed', async () => {
    const consumer = fakeConsumer(true);
    const errors: unknown[] = [];
    const committer = createOffsetCommitter(consumer, {
      intervalMs: 100,
      onError: (error) => errors.push(error),
    });
    committer.commit('orders', 0, '1');
    await vi.advanceTimersByTimeAsync(100);
    committer.commit('orders', 0, '2');
    await vi.advanceTimersByTimeAsync(100);

    expect(errors).toHaveLength(2);
    expect(consumer.requests.map((offsets) => offsets[0]?.offset)).toEqual(['1', '2']);
  });
});
