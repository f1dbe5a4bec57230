import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './groupCommit.ts';

/** A commit whose calls stay open until the test settles them, so the test decides what is in flight. */
function controlledCommit() {
  const calls: { items: readonly string[]; settle: (error?: Error) => void }[] = [];
  const commit = (items: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ items, settle: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, commit };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('when nothing is in flight, then an item is committed at once, alone', async () => {
    const { calls, commit } = controlledCommit();
    const submit = createGroupCommit({ commit, maxInFlight: 2, maxBatch: 10 });

    const done = submit('a');

    expect(calls.map((call) => call.items)).toEqual([['a']]);
    calls[0]?.settle();
    await expect(done).resolves.toBeUndefined();
  });

  it('when items arrive while the slots are busy, then they go together in the next commit, up to maxBatch', async () => {
    const { calls, commit } = controlledCommit();
    const sizes: number[] = [];
    const submit = createGroupCommit({
      commit,
      maxInFlight: 1,
      maxBatch: 3,
      onBatch: (size) => sizes.push(size),
    });

    const all = ['a', 'b', 'c', 'd', 'e'].map(submit);
    expect(calls.map((call) => call.items)).toEqual([['a']]);
    calls[0]?.settle();
    await flush();
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1]?.settle();
    await flush();
    calls[2]?.settle();

    await expect(Promise.all(all)).resolves.toHaveLength(5);
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    expect(sizes).toEqual([1, 3, 1]);
  });

  it('when a batch fails, then each of its items is committed alone and gets its own outcome', async () => {
    const { calls, commit } = controlledCommit();
    const submit = createGroupCommit({ commit, maxInFlight: 1, maxBatch: 10 });
    const first = submit('first');
    const results = Promise.allSettled(['good', 'bad', 'also good'].map(submit));
    calls[0]?.settle();
    await flush();

    calls[1]?.settle(new Error('one of them is refused'));
    await flush();
    expect(calls.slice(2).map((call) => call.items)).toEqual([['good'], ['bad'], ['also good']]);
    calls[2]?.settle();
    calls[3]?.settle(new Error('bad is a duplicate'));
    calls[4]?.settle();

    await first;
    expect(
      (await results).map((result) => (result.status === 'rejected' ? result.reason.message : 'ok')),
    ).toEqual(['ok', 'bad is a duplicate', 'ok']);
  });

  it('when a lone item fails, then its error is its answer and the next items still go', async () => {
    const { calls, commit } = controlledCommit();
    const submit = createGroupCommit({ commit, maxInFlight: 1, maxBatch: 10 });
    const failing = submit('x');
    const next = submit('y');
    calls[0]?.settle(new Error('refused'));

    await expect(failing).rejects.toThrow('refused');
    await flush();
    expect(calls.map((call) => call.items)).toEqual([['x'], ['y']]);
    calls[1]?.settle();
    await expect(next).resolves.toBeUndefined();
  });
});
