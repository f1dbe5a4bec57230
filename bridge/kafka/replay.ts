import type { Admin, Kafka } from 'kafkajs';
import pThrottle from 'p-throttle';
import type { Logger, PersistencePort } from '../../actors/ports.ts';
import type { DeadLetterPublisher } from './deadLetters.ts';
import type { EventRouter } from './eventRouter.ts';
import type { ConsumedRecord } from './records.ts';
import { type PartitionRange, positionsProblem, type ReplayPosition, resolveRanges } from './replayRange.ts';
import { readRanges } from './replayReader.ts';
import { EVENT_TOPICS, type TopicNames } from './topics.ts';

/**
 * Replay: re-drives the records of a range of Kafka topics through the event router (docs/adr/0006). It reads with a
 * throwaway consumer group at explicit offsets, so the live groups' offsets never move, and delivers each record
 * with `router.redeliver`: the same routes, actors and idempotency as live traffic, so a record already applied is
 * acknowledged as a duplicate and changes nothing. A record that fails is parked on its DLQ as the live router does.
 */
export interface ReplayRequest {
  /** Base topic names. */
  readonly topics: readonly string[];
  readonly from: ReplayPosition;
  /** Exclusive; the high watermark when the replay starts if absent. */
  readonly to?: ReplayPosition | undefined;
  /** Only records with this key (an order id, a SKU). */
  readonly key?: string | undefined;
  /** Read and classify only: deliver nothing, write nothing. */
  readonly dryRun: boolean;
  /** Records per second at most. */
  readonly rate?: number | undefined;
  /** Afterwards, rebuild the read models of every order seen in the range from its actors' stored state. */
  readonly rebuildReadModels: boolean;
}

export interface ReplayCounts {
  /** Records in the range, from the offsets, known before reading. */
  readonly total: number;
  readonly read: number;
  /** In a dry run: would be applied (the target has not processed the message). */
  readonly applied: number;
  readonly alreadyApplied: number;
  readonly skipped: number;
  /** Parked on the topic's DLQ (in a dry run: could not be routed). */
  readonly failed: number;
}

export const SKIP_REASONS = [
  /** `--key` was given and the record has another key. */
  'otherKey',
  /** The router does not route the topic (the live router never reads it either). */
  'notRouted',
  /** The route says the record is for nobody (a saga's own cancellation). */
  'forNobody',
  /** The actor rejected it as a known race (docs/sagas.md), as live. */
  'expectedRejection',
  /** The target does not exist; the router answered on its behalf again (the saga deduplicates the answer). */
  'answeredForMissingActor',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface ReplaySummary extends ReplayCounts {
  readonly groupId: string;
  readonly dryRun: boolean;
  /** The caller went away before the end; the counts are what was done until then. */
  readonly aborted: boolean;
  readonly skippedBy: Readonly<Record<SkipReason, number>>;
  readonly ranges: readonly { topic: string; partition: number; from: string; to: string }[];
  /** With rebuildReadModels: orders seen, and the actors and rows rebuilt (none in a dry run). */
  readonly rebuilt?: { readonly orders: number; readonly actors: number; readonly rows: number };
  readonly durationMs: number;
}

/** Rebuilds order read models from actor state (db/readModelRebuild.ts). */
export interface OrderReadModelRebuild {
  rebuildOrders(
    orderIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ readonly actors: number; readonly rows: number }>;
}

export interface ReplayOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly names: TopicNames;
  readonly router: Pick<EventRouter, 'redeliver' | 'resolve' | 'topics'>;
  readonly deadLetters: DeadLetterPublisher;
  /** Its processed-message check tells a dry run what is already applied. */
  readonly processed: Pick<PersistencePort, 'isProcessed'>;
  readonly readModels: OrderReadModelRebuild;
  /** Throwaway groups are named `<groupPrefix>-<uuid>`. */
  readonly groupPrefix: string;
  readonly logger: Logger;
}

export interface Replay {
  /** Why the request cannot run (unknown topic, from after to), before anything is read; undefined when it can. */
  problem(request: ReplayRequest): string | undefined;
  run(
    request: ReplayRequest,
    handlers: { signal: AbortSignal; onProgress?: (counts: ReplayCounts) => void },
  ): Promise<ReplaySummary>;
}

/** Actor types whose id is an order id: the records routed to them name the orders a rebuild covers. */
const ORDER_KEYED = new Set(['order', 'orderSaga', 'cancellationSaga', 'payment']);

type Verdict = 'applied' | 'alreadyApplied' | 'failed' | SkipReason;

export function createReplay(options: ReplayOptions): Replay {
  const { router, logger } = options;
  const routed = new Set(router.topics);

  /** A real run: the router delivers it; a failure is parked on the DLQ as the live router parks it. */
  async function deliver(record: ConsumedRecord): Promise<Verdict> {
    if (!routed.has(record.topic)) return 'notRouted';
    const outcome = await router.redeliver(record);
    switch (outcome.kind) {
      case 'persisted':
        return outcome.duplicate ? 'alreadyApplied' : 'applied';
      case 'skipped':
        return 'forNobody';
      case 'rejected_as_expected':
        return 'expectedRejection';
      case 'answered_for_missing_actor':
        return 'answeredForMissingActor';
      case 'dead_lettered': {
        const { failure } = outcome;
        logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            code: failure.error.code,
          },
          'replayed record parked on its dead letter topic',
        );
        await options.deadLetters.publish(record, failure);
        return 'failed';
      }
    }
  }

  /** A dry run: where the record would go and whether its target already processed it. Nothing is written. */
  async function classify(record: ConsumedRecord): Promise<Verdict> {
    if (!routed.has(record.topic)) return 'notRouted';
    let delivery: ReturnType<EventRouter['resolve']>;
    try {
      delivery = router.resolve(record);
    } catch {
      return 'failed';
    }
    if (!delivery) return 'forNobody';
    return (await options.processed.isProcessed(delivery.ref, delivery.envelope.id))
      ? 'alreadyApplied'
      : 'applied';
  }

  /** The order a record concerns, for the rebuild: its target's id when that is order-keyed, else an order topic's key. */
  function orderIdOf(record: ConsumedRecord): string | undefined {
    if (routed.has(record.topic)) {
      try {
        const delivery = router.resolve(record);
        if (delivery && ORDER_KEYED.has(delivery.ref.type)) return delivery.ref.id;
      } catch {
        // unroutable: it names no actor
      }
    }
    return record.topic.startsWith('order.') && record.key ? record.key : undefined;
  }

  return {
    problem(request) {
      const unknown = request.topics.filter((topic) => !(EVENT_TOPICS as readonly string[]).includes(topic));
      if (unknown.length > 0) {
        return `unknown topic ${unknown.join(', ')} (topics: ${EVENT_TOPICS.join(', ')})`;
      }
      return positionsProblem(request.from, request.to);
    },

    async run(request, { signal, onProgress }) {
      const started = Date.now();
      const groupId = `${options.groupPrefix}-${crypto.randomUUID()}`;
      const ranges = await resolveRanges(options.admin, options.names, {
        ...request,
        topics: [...new Set(request.topics)],
      });
      const tally = createTally(ranges);
      const orderIds = new Set<string>();
      const throttled = request.rate ? rateLimit(request.rate, signal) : undefined;
      onProgress?.(tally.counts());

      const aborted = !(await readRanges({
        kafka: options.kafka,
        admin: options.admin,
        names: options.names,
        groupId,
        ranges,
        signal,
        logger,
        onRecord: async (record) => {
          let verdict: Verdict = 'otherKey';
          if (request.key === undefined || record.key === request.key) {
            if (request.rebuildReadModels) {
              const orderId = orderIdOf(record);
              if (orderId) orderIds.add(orderId);
            }
            await throttled?.();
            verdict = await (request.dryRun ? classify(record) : deliver(record));
          }
          tally.add(verdict);
          onProgress?.(tally.counts());
        },
      }));

      let rebuilt: ReplaySummary['rebuilt'];
      if (request.rebuildReadModels && !aborted) {
        const ids = [...orderIds];
        const done = request.dryRun
          ? { actors: 0, rows: 0 }
          : await options.readModels.rebuildOrders(ids, signal);
        rebuilt = { orders: ids.length, ...done };
      }
      const summary: ReplaySummary = {
        ...tally.counts(),
        groupId,
        dryRun: request.dryRun,
        aborted,
        skippedBy: tally.skippedBy(),
        ranges: ranges.map(({ topic, partition, start, end }) => ({
          topic,
          partition,
          from: start.toString(),
          to: end.toString(),
        })),
        ...(rebuilt ? { rebuilt } : {}),
        durationMs: Date.now() - started,
      };
      logger.info({ ...summary, ranges: undefined }, 'replay finished');
      return summary;
    },
  };
}

function createTally(ranges: readonly PartitionRange[]) {
  const total = ranges.reduce((sum, range) => sum + Number(range.end - range.start), 0);
  const counts = { read: 0, applied: 0, alreadyApplied: 0, failed: 0 };
  const skipped = Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;
  return {
    add(verdict: Verdict) {
      counts.read += 1;
      if (verdict === 'applied' || verdict === 'alreadyApplied' || verdict === 'failed') counts[verdict] += 1;
      else skipped[verdict] += 1;
    },
    counts: (): ReplayCounts => ({
      total,
      ...counts,
      skipped: Object.values(skipped).reduce((sum, count) => sum + count, 0),
    }),
    skippedBy: () => ({ ...skipped }),
  };
}

/** At most `perSecond` calls a second (p-throttle); below one a second, one call every 1/perSecond seconds. */
function rateLimit(perSecond: number, signal: AbortSignal): () => Promise<void> {
  const limit = Math.max(1, Math.floor(perSecond));
  return pThrottle({ limit, interval: Math.round((1000 * limit) / perSecond), signal })(async () => {});
}
