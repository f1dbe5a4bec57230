import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { EachBatchPayload, Kafka, Message } from 'kafkajs';
import pRetry, { AbortError } from 'p-retry';
import { formatRef, HEADERS } from '../../actors/envelope.ts';
import { type TrackOpsError, toTrackOpsError } from '../../actors/errors.ts';
import type { DeliveryResult, Logger, TransportPort } from '../../actors/ports.ts';
import { withDeadline } from '../../actors/withDeadline.ts';
import type { DeadLetterPublisher } from './deadLetters.ts';
import { MalformedRecordError } from './errors.ts';
import { checkDelivery } from './eventValidation.ts';
import { createOffsetCommitter, type OffsetCommitter } from './offsetCommitter.ts';
import { type ConsumedRecord, consumedRecord, recordOf } from './records.ts';
import type { Delivery, Route, StandInAnswer } from './routes/route.ts';
import type { TopicNames } from './topics.ts';

/**
 * Kafka -> NATS -> actor. A consumer group reads the routed topics; each record becomes a request to its actor, and
 * the offset is committed only after the actor answered "persisted" (or the record was parked on its DLQ). A crash
 * in between redelivers the record, and the actor's processed-message check makes that harmless.
 */
export interface RetryPolicy {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly maxMs: number;
  readonly maxAttempts: number;
  /** How long to keep retrying while no runtime node answers, before parking the record. */
  readonly unavailableBudgetMs: number;
}

/** How many actors' records one partition's batch works on at once. */
const CHAINS_AT_ONCE = 32;

/** Failures that say "no node answered", not "this record is bad". */
const RUNTIME_AWAY = new Set(['TRANSPORT_TIMEOUT', 'TRANSPORT_UNAVAILABLE', 'NOT_OWNER']);

export interface EventRouterOptions {
  readonly kafka: Kafka;
  readonly transport: TransportPort;
  readonly routes: readonly Route[];
  readonly names: TopicNames;
  readonly groupId: string;
  readonly deadLetters: DeadLetterPublisher;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Members this router runs in its consumer group. Each fetches on its own, so a record waits only for the batches
   * of its member's partitions, not for every partition's (KafkaJS fetches again once a fetch's batches are done).
   */
  readonly consumers?: number;
  /** Finished offsets are committed at most this often (bridge/kafka/offsetCommitter.ts); default 100 ms. */
  readonly commitIntervalMs?: number;
  readonly onOutcome?: (record: ConsumedRecord, outcome: Outcome['kind']) => void;
  /** Publishes stand-in answers (a record on a base topic name). */
  readonly publish: (topic: string, records: Message[]) => Promise<void>;
  /** Test seam: runs after the actor persisted and before the offset commit (where a crash hurts most). */
  readonly afterDelivered?: (record: ConsumedRecord) => Promise<void>;
}

/** What became of one record; the offsets of finished records are committed (see offsetCommitter.ts). */
export type Outcome =
  /** `duplicate`: the actor had already applied this message and acknowledged it without applying it again. */
  | { kind: 'persisted'; duplicate: boolean }
  | { kind: 'skipped' }
  | { kind: 'rejected_as_expected' }
  | { kind: 'answered_for_missing_actor'; answer: StandInAnswer }
  | { kind: 'dead_lettered'; failure: { error: TrackOpsError; attempts: number } };

export interface EventRouter {
  /** Resolves once the consumer joined its group. */
  start(options?: { joinTimeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
  /** Delivers one record again (a dead letter redrive, a replay) without touching the group's offsets. */
  redeliver(record: ConsumedRecord): Promise<Outcome>;
  /** Base names of the topics it routes. */
  readonly topics: readonly string[];
  /**
   * Where a record would go, without delivering it (a replay's dry run): undefined for a record that is for
   * nobody; throws MalformedRecordError for one that cannot be routed, InvalidEventError for one that fails its schema.
   */
  resolve(record: ConsumedRecord): Delivery | undefined;
}

export function createEventRouter(options: EventRouterOptions): EventRouter {
  const { names, logger } = options;
  const routes = new Map(options.routes.map((route) => [route.topic, route]));
  /** The group members, each with the committer of its offsets. */
  const members = Array.from({ length: Math.max(1, options.consumers ?? 1) }, () => {
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      heartbeatInterval: 1000,
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
    });
    const committer = createOffsetCommitter(consumer, {
      intervalMs: options.commitIntervalMs ?? 100,
      // Not fatal: the records are delivered again (a rebalance moved the partition, or the broker is away).
      onError: (error) =>
        logger.warn({ err: error }, 'offset commit failed; those records will be delivered again'),
    });
    return { consumer, committer };
  });
  const stopping = new AbortController();
  // Every record in flight listens for the stop (its retries and waits): many at once is expected, not a leak.
  setMaxListeners(0, stopping.signal);

  /**
   * One partition's batch. Records for different actors run concurrently; records for the same actor run in
   * partition order (the order that matters: an actor's mailbox takes one message at a time anyway). The offset
   * moves only past records that are done and have no unfinished record before them, so a crash or a rebalance
   * redelivers whatever was not finished, and the actors' idempotency absorbs what was.
   */
  async function handleBatch(committer: OffsetCommitter, payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const base = names.base(batch.topic) ?? batch.topic;
    const records = batch.messages.map((message) => consumedRecord(base, batch.partition, message));
    const done = new Set<string>();
    const chains = new Map<string, ConsumedRecord[]>();
    for (const record of records) {
      const chain = chains.get(chainOf(record));
      if (chain) chain.push(record);
      else chains.set(chainOf(record), [record]);
    }
    // At most CHAINS_AT_ONCE chains run together: a batch may hold hundreds of actors' records.
    const waiting = [...chains.values()];
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(CHAINS_AT_ONCE, waiting.length) }, async () => {
        for (let chain = waiting.shift(); chain; chain = waiting.shift()) {
          for (const record of chain) {
            if (!isRunning() || isStale()) return;
            await handle(record, heartbeat);
            done.add(record.offset);
          }
        }
      }),
    );
    let next: string | undefined;
    for (const record of records) {
      if (!done.has(record.offset)) break;
      next = (BigInt(record.offset) + 1n).toString();
    }
    if (next !== undefined) {
      payload.resolveOffset(String(BigInt(next) - 1n));
      committer.commit(batch.topic, batch.partition, next);
    }
    const failed = results.find((result) => result.status === 'rejected');
    // A failure is reported, or the router is stopping, only once what is done is committed (the consumer can
    // still commit while its batch runs).
    if (failed || stopping.signal.aborted) await committer.flush();
    if (failed) throw failed.reason;
  }

  /** Records bound for one actor form a chain; a record that cannot be routed is a chain of its own. */
  /** Each record's delivery is parsed once: the batch groups records by it, and delivering them uses it. */
  const parsed = new WeakMap<ConsumedRecord, { delivery: Delivery | undefined } | { error: unknown }>();
  function deliveryOf(route: Route, record: ConsumedRecord): Delivery | undefined {
    let entry = parsed.get(record);
    if (!entry) {
      try {
        entry = { delivery: route.toDelivery(record) };
      } catch (error) {
        entry = { error };
      }
      parsed.set(record, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.delivery;
  }

  function chainOf(record: ConsumedRecord): string {
    try {
      const route = routes.get(record.topic);
      const delivery = route && deliveryOf(route, record);
      return delivery ? formatRef(delivery.ref) : `nobody:${record.offset}`;
    } catch {
      return `unroutable:${record.offset}`;
    }
  }

  async function handle(record: ConsumedRecord, heartbeat: () => Promise<void>): Promise<void> {
    const { topic: base, partition } = record;
    const outcome = await deliver(record, heartbeat);
    if (outcome.kind === 'dead_lettered') {
      const { failure } = outcome;
      logger.warn(
        {
          topic: base,
          partition,
          offset: record.offset,
          correlationId: record.headers[HEADERS.correlationId]?.slice(0, 200),
          code: failure.error.code,
          // The reason may quote the record (a JSON parser's excerpt): the DLQ keeps it whole, the log a bounded part.
          reason: failure.error.message.slice(0, 300),
        },
        'record parked on its dead letter topic',
      );
      await options.deadLetters.publish(record, failure);
    } else if (outcome.kind === 'answered_for_missing_actor') {
      await publishStandIn(outcome.answer);
    } else if (outcome.kind === 'persisted') {
      await options.afterDelivered?.(record);
    }
    options.onOutcome?.(record, outcome.kind);
  }

  async function publishStandIn(answer: StandInAnswer): Promise<void> {
    await options.publish(answer.topic, [recordOf(answer.key, answer.envelope, new Date())]);
  }

  /**
   * A record is not at fault when no runtime node answers (a NATS restart, a node crash, a shard handover): such
   * failures are retried for `unavailableBudgetMs` before the record is parked, while the partition waits. Faults of
   * the record itself (rejections, bad data, bugs) are parked after the ordinary `maxAttempts`.
   */
  async function untilTheRuntimeAnswers<T>(
    attempt: () => Promise<T>,
    context: { ref: Delivery['ref']; heartbeat: (() => Promise<void>) | undefined },
  ): Promise<T> {
    const started = Date.now();
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        const typed = toTrackOpsError(error);
        const runtimeAway =
          RUNTIME_AWAY.has(typed.code) && Date.now() - started < options.retry.unavailableBudgetMs;
        if (stopping.signal.aborted || !runtimeAway) throw error;
        logger.warn(
          { actor: formatRef(context.ref), code: typed.code },
          'no runtime node answers; waiting for one',
        );
        await context.heartbeat?.().catch(() => undefined);
        await delay(options.retry.maxMs, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  }

  /** `heartbeat` keeps the group membership alive while one record is retried for longer than the session. */
  async function deliver(record: ConsumedRecord, heartbeat?: () => Promise<void>): Promise<Outcome> {
    let attempts = 0;
    let delivery: Delivery | undefined;
    let route: Route | undefined;
    try {
      route = routes.get(record.topic);
      if (!route) throw new MalformedRecordError(`no route for topic ${record.topic}`);
      delivery = deliveryOf(route, record);
      if (!delivery) return { kind: 'skipped' };
      checkDelivery(record, delivery); // a record that fails its schema never reaches the actor
      const { ref, envelope } = delivery;
      const attempt = () =>
        pRetry(
          async (): Promise<DeliveryResult> => {
            attempts += 1;
            try {
              return await options.transport.request(ref, envelope, { timeoutMs: options.requestTimeoutMs });
            } catch (error) {
              const typed = toTrackOpsError(error);
              throw typed.retryable ? typed : new AbortError(typed);
            }
          },
          {
            retries: options.retry.maxAttempts - 1,
            factor: options.retry.multiplier,
            minTimeout: options.retry.initialMs,
            maxTimeout: options.retry.maxMs,
            signal: stopping.signal,
            onFailedAttempt: async (error) => {
              logger.warn(
                { actor: formatRef(ref), attempt: error.attemptNumber, err: error },
                'delivery failed; retrying',
              );
              await heartbeat?.().catch(() => undefined);
            },
          },
        );
      const result = await untilTheRuntimeAnswers(attempt, { ref, heartbeat });
      return { kind: 'persisted', duplicate: result.duplicate };
    } catch (error) {
      if (stopping.signal.aborted) throw error; // shutting down: leave the offset uncommitted
      const typed = toTrackOpsError(error);
      const answer = delivery && route?.standIn?.(delivery, typed);
      if (answer) return { kind: 'answered_for_missing_actor', answer };
      if (route?.expectsRejection?.(typed)) {
        logger.info(
          { topic: record.topic, offset: record.offset, reason: typed.message },
          'expected rejection (a known race)',
        );
        return { kind: 'rejected_as_expected' };
      }
      return { kind: 'dead_lettered', failure: { error: typed, attempts: Math.max(attempts, 1) } };
    }
  }

  return {
    async start(startOptions) {
      const joined = members.map(async ({ consumer, committer }) => {
        consumer.on(consumer.events.CRASH, ({ payload }) =>
          logger.error(
            { err: payload.error, groupId: payload.groupId, restart: payload.restart },
            'event router consumer crashed',
          ),
        );
        // Before partitions move, what is done here is committed, so their new holder does not get it again.
        consumer.on(consumer.events.REBALANCING, () => void committer.flush());
        await consumer.connect();
        const joinedGroup = new Promise<void>((resolve) => {
          const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
            remove();
            resolve();
          });
        });
        await consumer.subscribe({ topics: [...routes.keys()].map(names.full), fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
          eachBatchAutoResolve: false,
          eachBatch: (payload) => handleBatch(committer, payload),
        });
        await joinedGroup;
      });
      const joinTimeoutMs = startOptions?.joinTimeoutMs ?? 60_000;
      await withDeadline(Promise.all(joined), joinTimeoutMs, () => {
        throw new Error(`router group ${options.groupId} did not join within ${joinTimeoutMs} ms`);
      });
    },
    async stop() {
      stopping.abort();
      await Promise.all(
        members.map(async ({ consumer, committer }) => {
          // Batches still running commit their own work on the way out (handleBatch sees the abort).
          await committer.flush();
          await consumer.disconnect();
        }),
      );
    },
    async redeliver(record) {
      const outcome = await deliver(record);
      if (outcome.kind === 'answered_for_missing_actor') await publishStandIn(outcome.answer);
      return outcome;
    },
    topics: [...routes.keys()],
    resolve(record) {
      const route = routes.get(record.topic);
      if (!route) throw new MalformedRecordError(`no route for topic ${record.topic}`);
      const delivery = route.toDelivery(record);
      if (delivery) checkDelivery(record, delivery);
      return delivery;
    },
  };
}
