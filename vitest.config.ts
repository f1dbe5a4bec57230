import { defineConfig } from 'vitest/config';

// `unit` needs no I/O and runs in seconds; `integration` talks to the real PostgreSQL, Redis, NATS and Kafka that
// test/support/globalSetup.ts brings up once. Integration files run one at a time: they share one broker and
// database on a 2-core machine, and each file still isolates itself with its own ids.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'machines/**/*.test.ts',
            'actors/**/*.test.ts',
            'api/**/*.test.ts',
            'bridge/**/*.test.ts',
            'db/**/*.test.ts',
            'cli/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'diagrams/**/*.test.ts',
            'web/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/regression/**/*.test.ts',
            'test/cluster/**/*.test.ts',
          ],
          environment: 'node',
          globalSetup: ['test/support/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
