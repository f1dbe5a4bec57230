import { type Config, DEFAULT_TEST_DATABASE_URL, loadConfig } from '../../config.ts';

/**
 * The configuration integration tests run with: the `trackops_test` database, a NATS namespace and Kafka topic
 * prefix of their own (so a running `npm start` on the same machine never sees test traffic), short timings.
 */
// TEST_NAMESPACE lets two test runs share this machine's services without seeing each other (a namespace, a topic
// prefix and a database of their own).
const isolated = process.env['TEST_NAMESPACE'];

/** The admin key every test system installs (TRACKOPS_ADMIN_KEY) and its clients, CLI runs and raw calls send. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnopqrstuv';

/** The headers of a raw HTTP call to the API as the test admin. */
export const ADMIN_HEADERS = { authorization: `Bearer ${TEST_ADMIN_KEY}` } as const;

export const TEST_ENV = {
  DATABASE_URL:
    process.env['TEST_DATABASE_URL'] ??
    (isolated
      ? DEFAULT_TEST_DATABASE_URL.replace(/trackops_test$/, `trackops_test_${isolated}`)
      : DEFAULT_TEST_DATABASE_URL),
  TRACKOPS_NAMESPACE: isolated ? `trackops_test_${isolated}` : 'trackops_test',
  KAFKA_TOPIC_PREFIX: isolated ? `test_${isolated}.` : 'test.',
  LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
  PORT: '0',
  ROUTER_RETRY_INITIAL_MS: '50',
  ROUTER_RETRY_MAX_MS: '200',
  // A killed test node's leases move to the next one quickly.
  LEASE_TTL_MS: '4000',
  TRACKOPS_ADMIN_KEY: TEST_ADMIN_KEY,
  // Tests call in bursts far above a real client's rate; test/integration/apiRateLimit.test.ts sets tight limits.
  RATE_LIMITS: 'admin=unlimited,operator=10000/1s,service=10000/1s,customer=10000/1s',
} as const;

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...process.env, ...TEST_ENV, ...overrides });
}
