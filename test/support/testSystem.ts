import { createTrackOpsClient } from '../../api/client.ts';
import { kafkaBrokers } from '../../config.ts';
import { type BootstrapOptions, bootstrap, type TrackOps } from '../../main.ts';
import { TEST_ADMIN_KEY, testConfig } from './testConfig.ts';

/**
 * For tests of the order actor on its own: the router routes only carrier tracking, so no saga starts for their
 * orders (their SKUs do not exist; a saga would cancel them) and they never pick up other files' saga records.
 */
export const ORDER_ACTOR_ONLY = { onlyRoutes: ['shipment.events'] } as const satisfies BootstrapOptions;

/**
 * A whole TrackOps (runtime, relay, router, API) in this process, on the real services, plus its typed client,
 * which calls as the test admin (TEST_ADMIN_KEY).
 */
export async function startTestSystem(options: BootstrapOptions & { env?: Record<string, string> } = {}) {
  const { env, ...bootstrapOptions } = options;
  const config = testConfig(env);
  const trackops: TrackOps = await bootstrap(config, bootstrapOptions);
  return {
    trackops,
    config,
    brokers: kafkaBrokers(config),
    client: createTrackOpsClient(trackops.url, { apiKey: TEST_ADMIN_KEY }),
    topic: (base: string) => `${config.KAFKA_TOPIC_PREFIX}${base}`,
    stop: () => trackops.stop(),
  };
}

export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;
