import type { Admin, Batch, Kafka } from 'kafkajs';
import type { Logger } from '../../actors/ports.ts';
import { type ConsumedRecord, consumedRecord } from './records.ts';
import { type PartitionRange, within } from './replayRange.ts';
import type { TopicNames } from './topics.ts';

/**
 * Reads given offset ranges with a consumer group of its own: autoCommit off and nothing committed, each partition
 * sought to its start whenever the group is (re)joined, done when every partition reached its end. The group is
 * deleted afterwards, so a replay leaves no trace on the broker and never moves another group's offsets.
 * Records of one partition are handed over one at a time, in offset order (one key's records stay in order).
 */
export interface ReadRangesOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly names: TopicNames;
  readonly groupId: string;
  readonly ranges: readonly PartitionRange[];
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly onRecord: (record: ConsumedRecord) => Promise<void>;
}

/** Partitions read at once; each is still read in order. */
const PARTITIONS_CONCURRENTLY = 3;

/** Resolves true once every range was read, false when the signal aborted it first. */
export async function readRanges(options: ReadRangesOptions): Promise<boolean> {
  const { names, signal } = options;
  const key = (topic: string, partition: number) => `${topic}:${partition}`;
  // `next`: the first offset not yet handed over.
  const positions = new Map(
    options.ranges.map((range) => [key(range.topic, range.partition), { ...range, next: range.start }]),
  );
  const remaining = () => [...positions.values()].filter((position) => position.next < position.end);
  if (remaining().length === 0) return true;
  if (signal.aborted) return false;

  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    heartbeatInterval: 1000,
    sessionTimeout: 30_000,
    allowAutoTopicCreation: false,
  });
  // Once over (done, aborted or failed), batches still in flight hand nothing more over.
  let over = false;
  let settle: (done: boolean) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const finished = new Promise<boolean>((resolve, reject) => {
    settle = (done) => {
      over = true;
      resolve(done);
    };
    fail = (error) => {
      over = true;
      reject(error);
    };
  });
  const onAbort = () => settle(false);
  signal.addEventListener('abort', onAbort, { once: true });

  /** Hands over the batch's records that are inside the range and not handed over yet. */
  async function take(batch: Batch, heartbeat: () => Promise<void>, running: () => boolean): Promise<void> {
    const base = names.base(batch.topic) ?? batch.topic;
    const position = positions.get(key(base, batch.partition));
    if (!position || position.next >= position.end) return;
    for (const message of batch.messages) {
      if (!running() || over) return;
      const offset = BigInt(message.offset);
      if (offset < position.next) continue;
      if (offset >= position.end) break;
      await options.onRecord(consumedRecord(base, batch.partition, message));
      position.next = offset + 1n;
      await heartbeat();
    }
    // Offsets the consumer never shows (control records, compacted gaps) still count as read.
    const last = BigInt(batch.lastOffset()) + 1n;
    if (!over && running() && last > position.next) {
      position.next = within(last, position.next, position.end);
    }
  }

  try {
    await consumer.connect();
    // On every (re)join, before the first fetch: seek each partition to where this replay stands.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const position of positions.values()) {
        consumer.seek({
          topic: names.full(position.topic),
          partition: position.partition,
          offset: `${position.next}`,
        });
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(payload.error);
    });
    const topics = [...new Set(options.ranges.map((range) => names.full(range.topic)))];
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
        try {
          await take(batch, heartbeat, () => isRunning() && !isStale());
        } catch (error) {
          // A record that cannot even be parked (the DLQ is down, the router stopped) ends the replay: retrying the
          // batch here would only repeat it.
          fail(error as Error);
          return;
        }
        if (remaining().length === 0) settle(true);
      },
    });
    return await finished;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await consumer
      .disconnect()
      .catch((error) => options.logger.warn({ err: error }, 'replay consumer disconnect'));
    await deleteGroup(options.admin, options.groupId, options.logger);
  }
}

/** The group never committed an offset, so the broker may have dropped it already: "not found" is fine. */
async function deleteGroup(admin: Admin, groupId: string, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.deleteGroups([groupId]);
      return;
    } catch (error) {
      const codes = groupErrorCodes(error);
      if (codes.every((code) => code === 'GROUP_ID_NOT_FOUND')) return;
      if (attempt >= 5 || !codes.includes('NON_EMPTY_GROUP')) {
        logger.warn({ err: error, groupId }, 'replay group could not be deleted');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

function groupErrorCodes(error: unknown): string[] {
  type GroupsError = { groups?: { error?: { type?: string } }[]; originalError?: GroupsError };
  const typed = error as GroupsError;
  const groups = typed.groups ?? typed.originalError?.groups;
  if (!groups) return ['UNKNOWN'];
  return groups.map((group) => group.error?.type ?? 'UNKNOWN');
}
