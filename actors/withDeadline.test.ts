import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from './withDeadline.ts';

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when the promise settles in time, then its value is the answer and no timer is left', async () => {
    const answer = withDeadline(Promise.resolve(42), 100, () => 'late');

    await expect(answer).resolves.toBe(42);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('when the promise fails in time, then its error is the answer', async () => {
    await expect(withDeadline(Promise.reject(new Error('boom')), 100, () => 'late')).rejects.toThrow('boom');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('when time runs out, then the fallback value is the answer and a later outcome is ignored', async () => {
    let finish: (value: number) => void = () => undefined;
    const slow = new Promise<number>((resolve) => {
      finish = resolve;
    });
    const answer = withDeadline(slow, 100, () => 'late');

    await vi.advanceTimersByTimeAsync(100);
    finish(42);

    await expect(answer).resolves.toBe('late');
  });

  it('when time runs out and the fallback throws, then that error is the answer', async () => {
    const answer = withDeadline(new Promise(() => undefined), 50, () => {
      throw new Error('timed out after 50 ms');
    });
    const settled = expect(answer).rejects.toThrow('timed out after 50 ms');

    await vi.advanceTimersByTimeAsync(50);
    await settled;
  });
});
