import type { Producer } from 'kafkajs';
import type { Logger, OutboxMessage } from '../../actors/ports.ts';
import { createWakeableSleep } from '../../actors/wakeableSleep.ts';
import { OutboxPublishError, type OutboxStore } from '../../db/outboxStore.ts';
import { recordOf } from './records.ts';
import type { TopicNames } from './topics.ts';

/**
 * Moves committed outbox rows to Kafka (topic = event type, key = aggregate id) with the idempotent producer.
 * It sleeps until PostgreSQL notifies a commit (LISTEN/NOTIFY), drains the outbox in batches, and marks rows
 * published only after Kafka acknowledged them. A slow safety poll covers a notification lost on reconnect.
 */
export interface OutboxRelayOptions {
  readonly store: OutboxStore;
  readonly producer: Producer;
  readonly names: TopicNames;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly safetyPollMs: number;
  /** Subscribes to commit notifications; returns a closer. */
  readonly onPublished?: (count: number) => void;
  /** Per published event: seconds from the turn that emitted it to its publication. */
  readonly onPublishLag?: (seconds: number) => void;
  readonly listen: (handlers: {
    onNotify: () => void;
    onError: (error: Error) => void;
  }) => Promise<{ close(): Promise<void> }>;
}

export interface OutboxRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Publishes until the outbox is empty; returns how many rows it published. */
  drain(): Promise<number>;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { store, producer, names, logger } = options;
  let running = false;
  let loop: Promise<void> | undefined;
  let listener: { close(): Promise<void> } | undefined;

  const sleeper = createWakeableSleep();
  const notify = (): void => sleeper.wake();

  async function publish(messages: OutboxMessage[]): Promise<void> {
    const producedAt = new Date();
    const byTopic = new Map<string, ReturnType<typeof recordOf>[]>();
    for (const message of messages) {
      const topic = names.full(message.envelope.type);
      const records = byTopic.get(topic) ?? [];
      records.push(recordOf(message.aggregateId, message.envelope, producedAt));
      byTopic.set(topic, records);
    }
    await producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, records]) => ({ topic, messages: records })),
    });
    const sentAt = Date.now();
    for (const message of messages)
      options.onPublishLag?.(Math.max(0, sentAt - Date.parse(message.envelope.occurredAt)) / 1000);
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await store.publishBatch(options.batchSize, publish);
      if (published > 0) options.onPublished?.(published);
      total += published;
      if (published < options.batchSize) return total;
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      sleeper.reset();
      try {
        const published = await drain();
        if (published > 0) logger.debug({ published }, 'outbox published');
        failures = 0;
        await sleeper.sleep(options.safetyPollMs);
      } catch (error) {
        failures += 1;
        const backoffMs = Math.min(options.safetyPollMs, 100 * 2 ** Math.min(failures, 10));
        logger.error(
          { err: error, failures, backoffMs },
          'outbox publish failed; rows stay unpublished and are retried',
        );
        await recordFailure(error);
        sleeper.reset();
        await sleeper.sleep(backoffMs);
      }
    }
  }

  /** Keeps the attempt count and last error on the rows, so an operator sees what is stuck and why. */
  async function recordFailure(error: unknown): Promise<void> {
    if (!(error instanceof OutboxPublishError)) return;
    try {
      await store.recordFailure(error.ids, error.message);
    } catch (recordError) {
      logger.warn({ err: recordError }, 'could not record the outbox failure');
    }
  }

  async function connectListener(): Promise<void> {
    listener = await options.listen({
      onNotify: notify,
      onError: (error) => {
        logger.warn({ err: error }, 'outbox listener lost its connection; reconnecting');
        void listener?.close();
        reconnectSoon();
        notify();
      },
    });
  }

  function reconnectSoon(): void {
    if (!running) return;
    setTimeout(() => {
      connectListener().catch((error: unknown) => {
        logger.warn({ err: error }, 'outbox listener reconnect failed; trying again');
        reconnectSoon();
      });
    }, 1000).unref();
  }

  return {
    async start() {
      running = true;
      await connectListener();
      loop = run();
    },
    async stop() {
      running = false;
      notify();
      await loop;
      await listener?.close();
    },
    drain,
  };
}
