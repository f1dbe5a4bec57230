import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { type ActorSystem, createActorSystem } from './actors/actorSystem.ts';
import { preferLocalDelivery } from './actors/localDelivery.ts';
import type { PlacementPort, Served, TransportPort, Turn, TurnCommitted } from './actors/ports.ts';
import { shardOf } from './actors/shards.ts';
import { describeStateValue } from './actors/stateValue.ts';
import { createTimerService, type TimerService } from './actors/timerService.ts';
import { type ApiKeys, createApiKeys } from './api/auth/apiKeys.ts';
import { createMetrics, type Metrics, registerProbes } from './api/metrics.ts';
import { createRateLimiterFromConfig } from './api/rateLimit/redisRateLimiter.ts';
import { type ApiServer, startApiServer } from './api/server.ts';
import { observeTurn } from './api/turnMetrics.ts';
import { consumerLag } from './bridge/kafka/consumerLag.ts';
import { createDeadLetterPublisher } from './bridge/kafka/deadLetters.ts';
import { createEventRouter, type EventRouter } from './bridge/kafka/eventRouter.ts';
import { kafkaLogCreator } from './bridge/kafka/kafkaLogger.ts';
import { createOutboxRelay, type OutboxRelay } from './bridge/kafka/outboxRelay.ts';
import type { ConsumedRecord } from './bridge/kafka/records.ts';
import { createReplay } from './bridge/kafka/replay.ts';
import type { Route } from './bridge/kafka/routes/route.ts';
import { sagaRoutes } from './bridge/kafka/routes/sagaRoutes.ts';
import { shipmentEventsRoute } from './bridge/kafka/routes/shipmentEvents.ts';
import { createTopicNames, ensureTopics } from './bridge/kafka/topics.ts';
import { createLeaseDirectory } from './bridge/nats/leaseDirectory.ts';
import { createLeases, type Leases } from './bridge/nats/leases.ts';
import { createNatsLiveUpdates } from './bridge/nats/natsLiveUpdates.ts';
import { createNatsTransport } from './bridge/nats/natsTransport.ts';
import { type Config, kafkaBrokers } from './config.ts';
import { createApiKeyStore } from './db/apiKeyStore.ts';
import { warnIfAutovacuumOff } from './db/autovacuumCheck.ts';
import { createDeadLetterStore, type DeadLetterStore } from './db/deadLetterStore.ts';
import { parseMoneyToCents } from './db/money.ts';
import { listenForNotifications } from './db/notifications.ts';
import { openOrm } from './db/orm.ts';
import { createOutboxStore, OUTBOX_CHANNEL } from './db/outboxStore.ts';
import { createPostgresPersistence } from './db/postgresPersistence.ts';
import { projectionWriters } from './db/projections/projectionWriters.ts';
import { createReadModelRebuild } from './db/readModelRebuild.ts';
import { createRedisSnapshotCache } from './db/redis/snapshotCache.ts';
import { createRetention, retentionRules } from './db/retention.ts';
import { TIMER_CHANNEL } from './db/timerChannel.ts';
import { createTimerStore } from './db/timerStore.ts';
import { type AppLogger, createLogger } from './logger.ts';
import { createRegistry, type RegistrySettings } from './machines/registry.ts';

/**
 * The composition root: the only file that knows every adapter. `bootstrap(config)` connects to PostgreSQL,
 * Redis, NATS and Kafka, starts the actor system, the outbox relay, the event router and the API, and returns a
 * `stop()` that takes them down in reverse order. `npm start` and the integration tests both call it.
 */
export interface BootstrapOptions {
  /** Run the Kafka -> actor event router (default true). */
  readonly router?: boolean;
  /** Run the outbox -> Kafka relay (default true). */
  readonly relay?: boolean;
  /** Run the durable timer service (default true). */
  readonly timers?: boolean;
  /** Host actors on this node (default true); false makes a node that only routes, relays and serves the API. */
  readonly actors?: boolean;
  /** Topics this node's router leaves alone (tests use it to make an answer never come). */
  readonly skipRoutes?: readonly string[];
  /** When given, the only topics this node's router routes. */
  readonly onlyRoutes?: readonly string[];
  /** Test seam of the event router: after the actor persisted, before the offset commit. */
  readonly afterDelivered?: (record: ConsumedRecord) => Promise<void>;
}

export interface TrackOps {
  readonly url: string;
  readonly config: Config;
  readonly logger: AppLogger;
  readonly system: ActorSystem;
  readonly relay: OutboxRelay;
  readonly timers: TimerService;
  /** Created even when not started, so dead letters can be redriven through it. */
  readonly router: EventRouter;
  readonly metrics: Metrics;
  readonly orm: Awaited<ReturnType<typeof openOrm>>;
  readonly redis: Redis;
  readonly nats: NatsConnection;
  readonly kafka: Kafka;
  stop(): Promise<void>;
}

export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<TrackOps> {
  const logger = createLogger(config);
  const stack = new ShutdownStack(logger);
  try {
    return await assemble(config, options, logger, stack);
  } catch (error) {
    await stack.unwind();
    throw error;
  }
}

async function assemble(
  config: Config,
  options: BootstrapOptions,
  logger: AppLogger,
  stack: ShutdownStack,
): Promise<TrackOps> {
  const metrics = createMetrics(config.NODE_ID);
  const names = createTopicNames(config.KAFKA_TOPIC_PREFIX);
  const { orm, redis, nats, kafka, admin, producer } = await connectServices(config, logger, stack);
  await ensureTopics(admin, names, config.KAFKA_TOPIC_PARTITIONS);

  const live = createNatsLiveUpdates(nats, config.TRACKOPS_NAMESPACE, logger);
  // Filled in once the leases exist; until then this node owns nothing.
  const placement: { leases: Leases | undefined } & PlacementPort = {
    leases: undefined,
    owns: (ref) => placement.leases?.holds(`shard-${shardOf(ref, config.SHARDS)}`) ?? false,
  };
  const system = createActorSystem({
    registry: createRegistry(registrySettings(config)),
    persistence: createPostgresPersistence({
      orm,
      projections: projectionWriters,
      nodeId: config.NODE_ID,
      commitConcurrency: config.TURN_COMMIT_CONCURRENCY,
      commitBatch: config.TURN_COMMIT_BATCH,
      onCommitBatch: (turns) => metrics.turnCommitBatchSize.observe(turns),
    }),
    cache: createRedisSnapshotCache(redis),
    logger,
    idleMs: config.ACTOR_IDLE_MS,
    maxLive: config.ACTOR_MAX_LIVE,
    placement,
    onActivated: (ref, source) => {
      metrics.activations.inc({ actor_type: ref.type, source });
      metrics.liveActors.set(system.liveCount);
    },
    onPassivated: (ref) => {
      metrics.passivations.inc({ actor_type: ref.type });
      metrics.liveActors.set(system.liveCount);
    },
    onTurnFenced: (ref) => metrics.turnsFenced.inc({ actor_type: ref.type }),
    onTurnCommitted: (turn, durationMs) => {
      observeTurn(metrics, turn, durationMs);
      live.publish(turnCommitted(turn));
    },
  });
  // NATS routes a message to the node hosting its actor; when that is this node, it is handed over in process.
  const transport = preferLocalDelivery(
    createNatsTransport({
      connection: nats,
      namespace: config.TRACKOPS_NAMESPACE,
      logger,
      defaultTimeoutMs: config.COMMAND_TIMEOUT_MS,
      shards: config.SHARDS,
    }),
    { shards: config.SHARDS, defaultTimeoutMs: config.COMMAND_TIMEOUT_MS },
  );
  stack.push('actor system', () => system.stop());

  const outboxStore = createOutboxStore(orm);
  const listen = (channel: string) => (handlers: NotificationHandlers) =>
    listenForNotifications(config.DATABASE_URL, channel, handlers);
  const relay = createOutboxRelay({
    store: outboxStore,
    producer,
    names,
    logger,
    batchSize: config.OUTBOX_BATCH_SIZE,
    safetyPollMs: config.OUTBOX_SAFETY_POLL_MS,
    listen: listen(OUTBOX_CHANNEL),
    onPublished: (count) => {
      metrics.outboxPublished.inc(count);
      metrics.outboxBatchSize.observe(count);
    },
    onPublishLag: (seconds) => metrics.outboxPublishLag.observe(seconds),
  });
  // The relay runs on one node at a time (it holds the `relay` lease), which keeps each aggregate's events in order.
  const timers = createTimerService({
    store: createTimerStore(orm),
    transport,
    logger,
    requestTimeoutMs: config.COMMAND_TIMEOUT_MS,
    listen: listen(TIMER_CHANNEL),
  });
  const stopTimers = await startUnless(options.timers === false, 'timer service', timers, stack);
  const rules = retentionRules({
    journal: config.JOURNAL_RETENTION_HOURS,
    outbox: config.OUTBOX_RETENTION_HOURS,
  });
  const retention = createRetention({ orm, rules, intervalMs: 10 * 60_000, logger });
  await startUnless(rules.length === 0, 'retention', retention, stack);

  const deadLetters = createDeadLetterStore(orm);
  const router = createRouter(config, {
    kafka,
    producer,
    transport,
    names,
    logger,
    metrics,
    deadLetters,
    options,
  });
  const stopRouter = await startUnless(options.router === false, 'event router', router, stack);
  registerProbes(
    metrics,
    {
      pendingMessages: () => system.pendingMessages,
      outboxBacklog: () => outboxStore.backlog(),
      deadLetters: () => deadLetters.counts(),
      ...(options.router === false
        ? {}
        : {
            consumerLag: () => consumerLag(admin, routerGroupId(config), router.topics.map(names.full)),
          }),
    },
    logger,
  );

  const readinessChecks = {
    postgres: async () => void (await orm.em.fork().execute('select 1')),
    redis: async () => void (await redis.ping()),
    nats: async () => void (await nats.flush()),
    kafka: async () => void (await admin.describeCluster()),
  };
  const leases =
    options.actors === false
      ? undefined
      : createNodeLeases({
          config,
          nats,
          transport,
          system,
          relay: options.relay === false ? undefined : relay,
          logger,
        });
  placement.leases = leases;
  if (leases) {
    await leases.start();
    stack.push('shard leases', () => leases.stop());
  }

  const apiKeys = await createNodeApiKeys(config, orm);
  const rateLimiter = await createRateLimiterFromConfig(config, logger);
  stack.push('rate limiter', () => rateLimiter.close());
  const server: ApiServer = await startApiServer({
    deps: {
      auth: apiKeys,
      apiKeys,
      rateLimiter,
      transport,
      live,
      orm,
      commandTimeoutMs: config.COMMAND_TIMEOUT_MS,
      readinessChecks,
      deadLetters,
      router,
      leases: createLeaseDirectory({
        connection: nats,
        namespace: config.TRACKOPS_NAMESPACE,
        shards: config.SHARDS,
      }),
      replay: createReplay({
        kafka,
        admin,
        names,
        router,
        deadLetters: createDeadLetterPublisher(producer, names, deadLetters),
        processed: createPostgresPersistence({ orm, projections: projectionWriters, nodeId: config.NODE_ID }),
        readModels: createReadModelRebuild({
          orm,
          projections: projectionWriters,
          cache: createRedisSnapshotCache(redis),
        }),
        groupPrefix: `${config.TRACKOPS_NAMESPACE}-replay`,
        logger,
      }),
      observeProcedure: ({ procedure, type, code, seconds }) =>
        metrics.trpcDuration.observe({ procedure, type, code }, seconds),
    },
    metrics,
    logger,
    host: config.HOST,
    port: config.PORT,
    maxBodyBytes: config.API_MAX_BODY_BYTES,
    metricsRequireKey: config.METRICS_REQUIRE_KEY,
  });
  // Unwound before the shard leases: releasing a shard drains its actors, and a router or timer service still
  // delivering would keep their mailboxes filling, then spin on NOT_OWNER for minutes, holding its partitions.
  stack.push('intake (event router, timer service)', async () => {
    await Promise.all([stopRouter?.(), stopTimers?.()]);
  });
  stack.push('api', () => server.close());
  logger.info({ url: server.url }, 'TrackOps is up');

  return {
    url: server.url,
    config,
    logger,
    system,
    relay,
    timers,
    router,
    metrics,
    orm,
    redis,
    nats,
    kafka,
    stop: () => stack.unwind(),
  };
}

/**
 * This node's leases: one per shard (serve its NATS subject; on release, drain it and passivate its actors) and
 * one for the outbox relay.
 */
function createNodeLeases(parts: {
  config: Config;
  nats: NatsConnection;
  transport: TransportPort;
  system: ActorSystem;
  relay: OutboxRelay | undefined;
  logger: AppLogger;
}): Leases {
  const { config, transport, system, relay } = parts;
  const served = new Map<number, Served>();
  const shardNumber = (resource: string) => Number(resource.slice('shard-'.length));
  return createLeases({
    connection: parts.nats,
    namespace: config.TRACKOPS_NAMESPACE,
    nodeId: config.NODE_ID,
    resources: [...Array.from({ length: config.SHARDS }, (_, shard) => `shard-${shard}`), RELAY_LEASE],
    ttlMs: config.LEASE_TTL_MS,
    logger: parts.logger,
    onAcquire: async (resource) => {
      if (resource === RELAY_LEASE) return relay?.start();
      const shard = shardNumber(resource);
      served.set(shard, await transport.serveShard(shard, (ref, envelope) => system.deliver(ref, envelope)));
    },
    onRelease: async (resource) => {
      if (resource === RELAY_LEASE) return relay?.stop();
      const shard = shardNumber(resource);
      await served.get(shard)?.stop();
      served.delete(shard);
      await system.passivateWhere((ref) => shardOf(ref, config.SHARDS) === shard);
    },
  });
}

const RELAY_LEASE = 'relay';

/** The API keys, with TRACKOPS_ADMIN_KEY installed as the bootstrap admin key when it is set. */
async function createNodeApiKeys(config: Config, orm: TrackOps['orm']): Promise<ApiKeys> {
  const apiKeys = createApiKeys({ store: createApiKeyStore(orm), pepper: config.API_KEY_PEPPER });
  if (config.TRACKOPS_ADMIN_KEY !== undefined) await apiKeys.installBootstrapKey(config.TRACKOPS_ADMIN_KEY);
  return apiKeys;
}

function turnCommitted(turn: Turn): TurnCommitted {
  return {
    ref: turn.ref,
    version: turn.version,
    state: describeStateValue(turn.snapshot.value),
    stateValue: turn.snapshot.value,
    context: turn.snapshot.context,
    messageType: turn.message.type,
    messageId: turn.message.id,
    at: new Date().toISOString(),
  };
}

type NotificationHandlers = {
  onNotify: (payload: string | undefined) => void;
  onError: (error: Error) => void;
};

/** Starts `part` unless disabled; returns its stop, which runs once however often it is called. */
async function startUnless(
  disabled: boolean,
  name: string,
  part: { start(): Promise<void>; stop(): Promise<void> },
  stack: ShutdownStack,
): Promise<(() => Promise<void>) | undefined> {
  if (disabled) return undefined;
  await part.start();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= part.stop();
    return stopped;
  };
  stack.push(name, stop);
  return stop;
}

function registrySettings(config: Config): RegistrySettings {
  return {
    sagaStepTimeoutMs: config.SAGA_STEP_TIMEOUT_MS,
    paymentRules: {
      declineAboveCents: parseMoneyToCents(config.PAYMENT_DECLINE_ABOVE),
      declinedCustomerIds: config.PAYMENT_DECLINED_CUSTOMERS.split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    },
  };
}

async function connectServices(config: Config, logger: AppLogger, stack: ShutdownStack) {
  const orm = await openOrm(config.DATABASE_URL);
  stack.push('postgres', () => orm.close());
  await warnIfAutovacuumOff(orm, logger);
  // Auto-pipelining sends the commands of one tick in one write: the snapshot puts of a group commit's turns go
  // together.
  const redis = new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    enableAutoPipelining: true,
  });
  stack.push('redis', async () => void (await redis.quit()));
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const nats = await connect({ servers: config.NATS_URL, name: `trackops-${config.NODE_ID}` });
  stack.push('nats', () => nats.drain());
  const verbose = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  const kafka = new Kafka({
    clientId: config.KAFKA_CLIENT_ID,
    brokers: kafkaBrokers(config),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger.child({}, { level: verbose ? 'debug' : 'error' })),
  });
  const admin = kafka.admin();
  await admin.connect();
  stack.push('kafka admin', () => admin.disconnect());
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  stack.push('kafka producer', () => producer.disconnect());
  return { orm, redis, nats, kafka, admin, producer };
}

const routerGroupId = (config: Config) => `${config.TRACKOPS_NAMESPACE}-router`;

/** The routes this node's router serves (tests narrow them with onlyRoutes / skipRoutes). */
function routesFor(options: BootstrapOptions): Route[] {
  return [shipmentEventsRoute, ...sagaRoutes()].filter(
    (route) =>
      !options.skipRoutes?.includes(route.topic) && (options.onlyRoutes?.includes(route.topic) ?? true),
  );
}

function createRouter(
  config: Config,
  parts: {
    kafka: Kafka;
    producer: Producer;
    transport: TransportPort;
    names: ReturnType<typeof createTopicNames>;
    logger: AppLogger;
    metrics: Metrics;
    deadLetters: DeadLetterStore;
    options: BootstrapOptions;
  },
): EventRouter {
  return createEventRouter({
    kafka: parts.kafka,
    transport: parts.transport,
    routes: routesFor(parts.options),
    names: parts.names,
    groupId: routerGroupId(config),
    deadLetters: createDeadLetterPublisher(parts.producer, parts.names, parts.deadLetters),
    publish: async (topic, messages) =>
      void (await parts.producer.send({ topic: parts.names.full(topic), messages })),
    retry: {
      initialMs: config.ROUTER_RETRY_INITIAL_MS,
      multiplier: config.ROUTER_RETRY_MULTIPLIER,
      maxMs: config.ROUTER_RETRY_MAX_MS,
      maxAttempts: config.ROUTER_MAX_ATTEMPTS,
      unavailableBudgetMs: config.ROUTER_UNAVAILABLE_BUDGET_MS,
    },
    logger: parts.logger,
    requestTimeoutMs: config.COMMAND_TIMEOUT_MS,
    partitionsConsumedConcurrently: config.ROUTER_PARTITION_CONCURRENCY,
    consumers: config.ROUTER_CONSUMERS,
    commitIntervalMs: config.ROUTER_COMMIT_INTERVAL_MS,
    onOutcome: (record, outcome) => parts.metrics.routedRecords.inc({ topic: record.topic, outcome }),
    ...(parts.options.afterDelivered ? { afterDelivered: parts.options.afterDelivered } : {}),
  });
}

/** Closes what was opened, last first; one failing step does not keep the others open. */
class ShutdownStack {
  readonly #steps: { name: string; run: () => Promise<unknown> }[] = [];
  constructor(private readonly logger: AppLogger) {}

  push(name: string, run: () => Promise<unknown>): void {
    this.#steps.push({ name, run });
  }

  async unwind(): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        this.logger.warn({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
  }
}
