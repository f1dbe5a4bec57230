import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { type ActorSystem, createActorSystem } from './actors/actorSystem.ts';
import { createMetrics, type Metrics } from './api/metrics.ts';
import { type ApiServer, startApiServer } from './api/server.ts';
import { createDeadLetterPublisher } from './bridge/kafka/deadLetters.ts';
import { createEventRouter, type EventRouter } from './bridge/kafka/eventRouter.ts';
import { kafkaLogCreator } from './bridge/kafka/kafkaLogger.ts';
import { createOutboxRelay, type OutboxRelay } from './bridge/kafka/outboxRelay.ts';
import type { ConsumedRecord } from './bridge/kafka/records.ts';
import { shipmentEventsRoute } from './bridge/kafka/routes/shipmentEvents.ts';
import { createTopicNames, ensureTopics } from './bridge/kafka/topics.ts';
import { createNatsTransport } from './bridge/nats/natsTransport.ts';
import { type Config, kafkaBrokers } from './config.ts';
import { openOrm } from './db/orm.ts';
import { createOutboxStore, listenForOutbox } from './db/outboxStore.ts';
import { createPostgresPersistence } from './db/postgresPersistence.ts';
import { projectionWriters } from './db/projections/projectionWriters.ts';
import { createRedisSnapshotCache } from './db/redis/snapshotCache.ts';
import { type AppLogger, createLogger } from './logger.ts';
import { registry } from './machines/registry.ts';

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
  /** Test seam of the event router: after the actor persisted, before the offset commit. */
  readonly afterDelivered?: (record: ConsumedRecord) => Promise<void>;
}

export interface TrackOps {
  readonly url: string;
  readonly config: Config;
  readonly logger: AppLogger;
  readonly system: ActorSystem;
  readonly relay: OutboxRelay;
  readonly router: EventRouter | undefined;
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
  const metrics = createMetrics();
  const names = createTopicNames(config.KAFKA_TOPIC_PREFIX);

  const orm = await openOrm(config.DATABASE_URL);
  stack.push('postgres', () => orm.close());
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  stack.push('redis', async () => void (await redis.quit()));
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const nats = await connect({ servers: config.NATS_URL, name: `trackops-${config.NODE_ID}` });
  stack.push('nats', () => nats.drain());
  const kafka = new Kafka({
    clientId: config.KAFKA_CLIENT_ID,
    brokers: kafkaBrokers(config),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(
      logger.child(
        {},
        { level: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'debug' : 'error' },
      ),
    ),
  });
  const admin = kafka.admin();
  await admin.connect();
  stack.push('kafka admin', () => admin.disconnect());
  await ensureTopics(admin, names, config.KAFKA_TOPIC_PARTITIONS);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  stack.push('kafka producer', () => producer.disconnect());

  const system = createActorSystem({
    registry,
    persistence: createPostgresPersistence({ orm, projections: projectionWriters }),
    cache: createRedisSnapshotCache(redis),
    logger,
    idleMs: config.ACTOR_IDLE_MS,
    maxLive: config.ACTOR_MAX_LIVE,
    onTurnCommitted: (turn) => metrics.turns.inc({ actor_type: turn.ref.type }),
  });
  const transport = createNatsTransport({
    connection: nats,
    namespace: config.TRACKOPS_NAMESPACE,
    logger,
    defaultTimeoutMs: config.COMMAND_TIMEOUT_MS,
  });
  const served = await transport.serve((ref, envelope) => system.deliver(ref, envelope));
  stack.push('actor system', async () => {
    await served.stop();
    await system.stop();
  });

  const relay = createOutboxRelay({
    store: createOutboxStore(orm),
    producer,
    names,
    logger,
    batchSize: config.OUTBOX_BATCH_SIZE,
    safetyPollMs: config.OUTBOX_SAFETY_POLL_MS,
    listen: (handlers) => listenForOutbox(config.DATABASE_URL, handlers),
    onPublished: (count) => metrics.outboxPublished.inc(count),
  });
  if (options.relay !== false) {
    await relay.start();
    stack.push('outbox relay', () => relay.stop());
  }

  const router =
    options.router === false
      ? undefined
      : await startRouter(config, { kafka, producer, transport, names, logger, metrics, options });
  if (router) stack.push('event router', () => router.stop());

  const readinessChecks = {
    postgres: async () => void (await orm.em.fork().execute('select 1')),
    redis: async () => void (await redis.ping()),
    nats: async () => void (await nats.flush()),
    kafka: async () => void (await admin.describeCluster()),
  };
  const server: ApiServer = await startApiServer({
    deps: { transport, orm, commandTimeoutMs: config.COMMAND_TIMEOUT_MS, readinessChecks },
    metrics,
    logger,
    host: config.HOST,
    port: config.PORT,
  });
  stack.push('api', () => server.close());
  logger.info({ url: server.url }, 'TrackOps is up');

  return {
    url: server.url,
    config,
    logger,
    system,
    relay,
    router,
    metrics,
    orm,
    redis,
    nats,
    kafka,
    stop: () => stack.unwind(),
  };
}

async function startRouter(
  config: Config,
  parts: {
    kafka: Kafka;
    producer: Producer;
    transport: ReturnType<typeof createNatsTransport>;
    names: ReturnType<typeof createTopicNames>;
    logger: AppLogger;
    metrics: Metrics;
    options: BootstrapOptions;
  },
): Promise<EventRouter> {
  const router = createEventRouter({
    kafka: parts.kafka,
    transport: parts.transport,
    routes: [shipmentEventsRoute],
    names: parts.names,
    groupId: `${config.TRACKOPS_NAMESPACE}-router`,
    deadLetters: createDeadLetterPublisher(parts.producer, parts.names),
    retry: {
      initialMs: config.ROUTER_RETRY_INITIAL_MS,
      multiplier: config.ROUTER_RETRY_MULTIPLIER,
      maxMs: config.ROUTER_RETRY_MAX_MS,
      maxAttempts: config.ROUTER_MAX_ATTEMPTS,
    },
    logger: parts.logger,
    requestTimeoutMs: config.COMMAND_TIMEOUT_MS,
    onOutcome: (record, outcome) => parts.metrics.routedRecords.inc({ topic: record.topic, outcome }),
    ...(parts.options.afterDelivered ? { afterDelivered: parts.options.afterDelivered } : {}),
  });
  await router.start();
  return router;
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
