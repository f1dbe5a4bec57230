import { type Config, DEFAULT_TEST_DATABASE_URL, loadConfig } from '../../config.ts';

/**
 * The configuration integration tests run with: the `trackops_test` database, a NATS namespace and Kafka topic
 * prefix of their own (so a running `npm start` on the same machine never sees test traffic), short timings.
 */
export const TEST_ENV = {
  DATABASE_URL: process.env['TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL,
  TRACKOPS_NAMESPACE: 'trackops_test',
  KAFKA_TOPIC_PREFIX: 'test.',
  LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
  PORT: '0',
  ROUTER_RETRY_INITIAL_MS: '50',
  ROUTER_RETRY_MAX_MS: '200',
  // A killed test node's leases move to the next one quickly.
  LEASE_TTL_MS: '4000',
} as const;

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...process.env, ...TEST_ENV, ...overrides });
}
