import { createTrackOpsClient } from '../../api/client.ts';
import { kafkaBrokers } from '../../config.ts';
import { type BootstrapOptions, bootstrap, type TrackOps } from '../../main.ts';
import { testConfig } from './testConfig.ts';

/** A whole TrackOps (runtime, relay, router, API) in this process, on the real services, plus its typed client. */
export async function startTestSystem(options: BootstrapOptions & { env?: Record<string, string> } = {}) {
  const { env, ...bootstrapOptions } = options;
  const config = testConfig(env);
  const trackops: TrackOps = await bootstrap(config, bootstrapOptions);
  return {
    trackops,
    config,
    brokers: kafkaBrokers(config),
    client: createTrackOpsClient(trackops.url),
    topic: (base: string) => `${config.KAFKA_TOPIC_PREFIX}${base}`,
    stop: () => trackops.stop(),
  };
}

export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;
