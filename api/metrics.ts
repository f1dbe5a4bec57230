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
    routedRecords: new Counter({
      name: 'trackops_router_records_total',
      help: 'Kafka records handled by the event router, by topic and outcome (persisted, dead_lettered)',
      labelNames: ['topic', 'outcome'] as const,
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
