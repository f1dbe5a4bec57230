import type { Consumer } from 'kafkajs';

/**
 * Commits a consumer's finished offsets at most once per `intervalMs`, all its partitions in one request. The
 * router finishes a batch every few records, and committing each one was four OffsetCommit requests per saga: most
 * of Kafka's requests, and of its CPU. A commit that is late or lost (a crash, a rebalance) only means records are
 * delivered again, which the actors' idempotency absorbs; `flush` commits at once (before a failure is reported,
 * and when the router stops).
 */
export interface OffsetCommitter {
  /** `offset` is the next one to read (Kafka's convention), past every record of the partition that is done. */
  commit(topic: string, partition: number, offset: string): void;
  flush(): Promise<void>;
}

export function createOffsetCommitter(
  consumer: Pick<Consumer, 'commitOffsets'>,
  options: { readonly intervalMs: number; readonly onError: (error: unknown) => void },
): OffsetCommitter {
  const pending = new Map<string, { topic: string; partition: number; offset: string }>();
  let timer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    const offsets = [...pending.values()];
    pending.clear();
    await consumer.commitOffsets(offsets).catch(options.onError);
  }

  return {
    commit(topic, partition, offset) {
      pending.set(`${topic}\u0000${partition}`, { topic, partition, offset });
      timer ??= setTimeout(() => void flush(), options.intervalMs);
    },
    flush,
  };
}
