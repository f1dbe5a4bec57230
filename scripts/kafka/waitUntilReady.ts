import { setTimeout as delay } from 'node:timers/promises';
import type { BrokerAddress } from './brokerAddress.ts';
import { brokerFailure } from './brokerFailure.ts';
import type { BrokerPaths } from './brokerPaths.ts';
import { isBrokerReady } from './brokerProbe.ts';

const START_DEADLINE_MS = 90_000;
const POLL_INTERVAL_MS = 500;

/** Fails fast when the process dies, instead of waiting out the deadline for a broker that cannot come. */
export async function waitUntilReady(
  address: BrokerAddress,
  isRunning: () => boolean,
  paths: BrokerPaths,
): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (!isRunning()) throw brokerFailure('the broker process exited during start-up', paths);
    if (await isBrokerReady(address.text)) return;
    await delay(POLL_INTERVAL_MS);
  }
  throw brokerFailure(
    `the broker did not become ready at ${address.text} within ${START_DEADLINE_MS / 1000} s`,
    paths,
  );
}
