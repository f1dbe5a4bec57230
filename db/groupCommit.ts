/**
 * Group commit: turns of different actors that are ready while earlier commits are still in flight are committed
 * together, in one statement, one round trip and one WAL flush. Nothing waits on purpose: with fewer than
 * `maxInFlight` commits running, a turn is sent at once (alone under light load), so batching costs no latency and
 * appears exactly when the database is the queue. When a batch fails, its turns are committed one by one, so each
 * gets its own answer (the duplicate or the stale writer among them fails alone, and the others are applied).
 */
export interface GroupCommitOptions<Item> {
  /** Commits the items atomically: all of them or none. */
  readonly commit: (items: readonly Item[]) => Promise<void>;
  readonly maxInFlight: number;
  readonly maxBatch: number;
  /** Told each batch's size (a metric). */
  readonly onBatch?: (size: number) => void;
}

interface Waiting<Item> {
  readonly item: Item;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export function createGroupCommit<Item>(options: GroupCommitOptions<Item>): (item: Item) => Promise<void> {
  const queue: Waiting<Item>[] = [];
  let inFlight = 0;

  /** Commits one item; the returned function gives the caller its answer. */
  const commitAlone = async ({ item, resolve, reject }: Waiting<Item>): Promise<() => void> => {
    try {
      await options.commit([item]);
      return resolve;
    } catch (error) {
      return () => reject(error);
    }
  };

  const commitBatch = async (batch: Waiting<Item>[]): Promise<(() => void)[]> => {
    options.onBatch?.(batch.length);
    if (batch.length === 1) return [await commitAlone(batch[0] as Waiting<Item>)];
    try {
      await options.commit(batch.map(({ item }) => item));
      return batch.map(({ resolve }) => resolve);
    } catch {
      return Promise.all(batch.map(commitAlone));
    }
  };

  const pump = (): void => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      inFlight += 1;
      void commitBatch(queue.splice(0, options.maxBatch)).then((answers) => {
        // The slot is free before the callers hear back, so what they submit next can go at once.
        inFlight -= 1;
        pump();
        for (const answer of answers) answer();
      });
    }
  };

  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
}
