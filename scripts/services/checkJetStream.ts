import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage, PROBE_TIMEOUT_MS } from './service.ts';

/** The runtime's streams and KV buckets need JetStream; the manager asks for account info, which fails without it. */
export async function checkJetStream(nats: NatsConnection): Promise<void> {
  try {
    await jetstreamManager(nats, { timeout: PROBE_TIMEOUT_MS });
  } catch (error) {
    throw new Error(
      `JetStream is not enabled (${errorMessage(error)}): restart nats-server with -js, e.g. nats-server -js -sd /var/lib/nats-server`,
    );
  }
}
