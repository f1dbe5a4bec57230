import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one TrackOps process, served at `/metrics`; every series carries the node's id. */
export function createMetrics(nodeId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry, prefix: 'trackops_' });
  return {
    registry,
    turns: new Counter({
      name: 'trackops_turns_total',
      help: 'Actor turns committed, by actor type',
      labelNames: ['actor_type'] as const,
      registers: [registry],
    }),
    turnsFenced: new Counter({
      name: 'trackops_turns_fenced_total',
      help: 'Actor turns rejected by the version check (another writer committed first), by actor type',
      labelNames: ['actor_type'] as const,
      registers: [registry],
    }),
    liveActors: new Gauge({
      name: 'trackops_live_actors',
      help: 'Actors held in memory on this node (capped by ACTOR_MAX_LIVE)',
      registers: [registry],
    }),
    activations: new Counter({
      name: 'trackops_actor_activations_total',
      help: 'Actors loaded into memory, by source (cache = Redis, store = PostgreSQL, none = new actor)',
      labelNames: ['actor_type', 'source'] as const,
      registers: [registry],
    }),
    passivations: new Counter({
      name: 'trackops_actor_passivations_total',
      help: 'Actors dropped from memory (idle, over the cap, or a shard handover)',
      labelNames: ['actor_type'] as const,
      registers: [registry],
    }),
    outboxPublished: new Counter({
      name: 'trackops_outbox_published_total',
      help: 'Outbox rows published to Kafka',
      registers: [registry],
    }),
    outboxBatchSize: new Histogram({
      name: 'trackops_outbox_batch_rows',
      help: 'Rows per batch the outbox relay published (one transaction and one Kafka produce request each)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    turnCommitBatchSize: new Histogram({
      name: 'trackops_turn_commit_batch_turns',
      help: 'Turns per commit statement (group commit: turns of different actors ready at once share one)',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    routedRecords: new Counter({
      name: 'trackops_router_records_total',
      help: 'Kafka records handled by the event router, by topic and outcome (persisted, dead_lettered)',
      labelNames: ['topic', 'outcome'] as const,
      registers: [registry],
    }),
    turnDuration: new Histogram({
      name: 'trackops_turn_duration_seconds',
      help: 'From the moment an actor took a message to its commit (activation included), by actor type',
      labelNames: ['actor_type'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    outboxPublishLag: new Histogram({
      name: 'trackops_outbox_publish_lag_seconds',
      help: 'From the turn that emitted an event to its publication on Kafka',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    sagaDuration: new Histogram({
      name: 'trackops_saga_duration_seconds',
      help: 'From a saga starting to its final state, by saga type and outcome (the final state)',
      labelNames: ['saga', 'outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    trpcDuration: new Histogram({
      name: 'trackops_trpc_request_duration_seconds',
      help: 'tRPC procedure duration by procedure, type and result code (ok or the tRPC error code)',
      labelNames: ['procedure', 'type', 'code'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'trackops_http_request_duration_seconds',
      help: 'HTTP request duration by path prefix and status',
      labelNames: ['route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Readings taken when Prometheus scrapes, not counted as things happen. Each may fail: the scrape still answers. */
export interface MetricProbes {
  /** Messages accepted by this node's actors and not yet answered. */
  pendingMessages?: () => number;
  /** Outbox rows not yet published. */
  outboxBacklog?: () => Promise<number>;
  /** Records the router's group has not consumed yet, per topic. */
  consumerLag?: () => Promise<ReadonlyMap<string, number>>;
  /** Dead letters per topic and status. */
  deadLetters?: () => Promise<readonly { topic: string; status: string; count: number }[]>;
}

export function registerProbes(
  metrics: Metrics,
  probes: MetricProbes,
  logger?: { warn(o: object, m: string): void },
) {
  const { registry } = metrics;
  const guarded = async (what: string, read: () => Promise<void>) => {
    try {
      await read();
    } catch (error) {
      logger?.warn({ err: error, metric: what }, 'metric probe failed');
    }
  };
  const { pendingMessages, outboxBacklog, consumerLag, deadLetters } = probes;
  if (pendingMessages)
    new Gauge({
      name: 'trackops_mailbox_depth',
      help: "Messages accepted by this node's actors and not yet answered (all mailboxes)",
      registers: [registry],
      collect() {
        this.set(pendingMessages());
      },
    });
  if (outboxBacklog)
    new Gauge({
      name: 'trackops_outbox_backlog',
      help: 'Outbox rows not yet published to Kafka',
      registers: [registry],
      async collect() {
        await guarded('outbox backlog', async () => this.set(await outboxBacklog()));
      },
    });
  if (consumerLag)
    new Gauge({
      name: 'trackops_consumer_lag',
      help: "Records on each routed topic that the router's consumer group has not consumed yet",
      labelNames: ['topic'] as const,
      registers: [registry],
      async collect() {
        await guarded('consumer lag', async () => {
          this.reset();
          for (const [topic, lag] of await consumerLag()) this.set({ topic }, lag);
        });
      },
    });
  if (deadLetters)
    new Gauge({
      name: 'trackops_dead_letters',
      help: 'Dead letters by source topic and status (parked, redriven, redrive_failed)',
      labelNames: ['topic', 'status'] as const,
      registers: [registry],
      async collect() {
        await guarded('dead letters', async () => {
          this.reset();
          for (const row of await deadLetters())
            this.set({ topic: row.topic, status: row.status }, row.count);
        });
      },
    });
}
