import { z } from 'zod';
import { rateLimitConfigSchema } from './api/rateLimit/rateLimitConfig.ts';

/**
 * Every address, port, credential and tuning knob of TrackOps, read from the environment once at start-up.
 * The defaults are the local services of a development machine; README.md lists them all.
 */
const integer = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Where the integration tests keep their data: beside the application's database, never in it. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/trackops_test';

export const configSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/trackops'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().default('trackops'),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  KAFKA_TOPIC_PARTITIONS: integer(3),
  /** Prefix of every NATS subject and Kafka consumer group, so two deployments can share one NATS and Kafka. */
  TRACKOPS_NAMESPACE: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('trackops'),
  NODE_ID: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only')
    .default(`node-${process.pid}`),
  /** Actor ids map to this many shards; nodes lease shards. The same on every node of a deployment. */
  SHARDS: integer(64),
  /** A node's shard leases expire this long after its last renewal (it renews every third of it). */
  LEASE_TTL_MS: integer(6000),
  /** The API refuses larger request bodies (413 PAYLOAD_TOO_LARGE) before parsing them. */
  API_MAX_BODY_BYTES: integer(512 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COMMAND_TIMEOUT_MS: integer(5000),
  /**
   * How long SIGTERM/SIGINT may take to stop a node gracefully before it exits anyway: what it had not finished is
   * redelivered to the next holder (at-least-once), and a stuck step must not keep Kafka partitions hostage.
   */
  SHUTDOWN_TIMEOUT_MS: integer(30_000),
  ACTOR_IDLE_MS: integer(60_000),
  ACTOR_MAX_LIVE: integer(10_000),
  OUTBOX_BATCH_SIZE: integer(100),
  /** Safety net only: the relay is woken by LISTEN/NOTIFY; this catches a notification lost on reconnect. */
  OUTBOX_SAFETY_POLL_MS: integer(5000),
  /** Journal entries older than this are deleted (0 keeps them forever). */
  JOURNAL_RETENTION_HOURS: z.coerce.number().int().min(0).default(168),
  /**
   * Published outbox rows older than this are deleted (0 keeps them forever). Kafka holds what was published; the
   * table only needs the unpublished rows, and grows by about ten rows a saga otherwise.
   */
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(0).default(24),
  ROUTER_RETRY_INITIAL_MS: integer(1000),
  ROUTER_RETRY_MULTIPLIER: z.coerce.number().min(1).default(2),
  ROUTER_RETRY_MAX_MS: integer(10_000),
  ROUTER_MAX_ATTEMPTS: integer(3),
  /**
   * How many partitions the router works on at once (records of one partition stay in order). KafkaJS fetches
   * again only when every batch of a fetch is done, so with few workers a record waits for other partitions'
   * turns: 16 took the saga workload from 42 to 53 sagas/s at C=64 (ADR 0007).
   */
  ROUTER_PARTITION_CONCURRENCY: integer(16),
  /**
   * Consumer group members one node's router runs; each fetches on its own (bridge/kafka/eventRouter.ts). 2 took
   * C=16 from 31 to 39 sagas/s (p50 510 -> 400 ms); 4 was no better, 8 worse (ADR 0007).
   */
  ROUTER_CONSUMERS: integer(2),
  /**
   * The router commits finished offsets at most this often, all partitions of a consumer in one request (one
   * commit per batch was four OffsetCommit requests per saga). A crash redelivers at most this much, idempotently.
   */
  ROUTER_COMMIT_INTERVAL_MS: integer(100),
  /**
   * Group commit (db/groupCommit.ts): turn statements one node runs at once; turns that become ready meanwhile are
   * committed together in the next one. TURN_COMMIT_BATCH caps the turns of one statement.
   */
  TURN_COMMIT_CONCURRENCY: integer(2),
  TURN_COMMIT_BATCH: integer(64),
  /** While no runtime node answers (a restart, a handover), records are retried this long before being parked. */
  ROUTER_UNAVAILABLE_BUDGET_MS: z.coerce.number().int().min(0).default(300_000),
  /** How long a saga waits for an answer (a reservation, a payment) before it compensates. */
  SAGA_STEP_TIMEOUT_MS: integer(30_000),
  /** The simulated payment gateway declines amounts above this (a decimal amount). */
  PAYMENT_DECLINE_ABOVE: z
    .string()
    .regex(/^\d+(\.\d{1,2})?$/, 'a decimal amount like 10000.00')
    .default('10000.00'),
  /** ...and every customer id in this comma-separated list. */
  PAYMENT_DECLINED_CUSTOMERS: z.string().default(''),
  /** Per-key rate limits by role, and what happens while Redis is down (api/rateLimit/rateLimitConfig.ts). */
  ...rateLimitConfigSchema,
  /**
   * The admin API key installed at start-up (key id `bootstrap`); a new value replaces the old one. Unset, the
   * stored bootstrap key (if any) stays as it was.
   */
  TRACKOPS_ADMIN_KEY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .min(32, 'at least 32 characters')
      .max(512)
      .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only (it travels in an HTTP header)')
      .optional(),
  ),
  /** The HMAC secret API keys are stored under (set it in production, the same on every node). */
  API_KEY_PEPPER: z.string().default(''),
  /** `/metrics` needs a valid API key (any role). */
  METRICS_REQUIRE_KEY: z.stringbool().default(false),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  override readonly name = 'ConfigError';
}

/** Parses the environment (or overrides for tests); a bad value stops start-up with every problem named. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export const kafkaBrokers = (config: Config): string[] =>
  config.KAFKA_BROKERS.split(',').map((broker) => broker.trim());
