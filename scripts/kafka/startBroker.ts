import { writeFileSync } from 'node:fs';
import type { BrokerAddress } from './brokerAddress.ts';
import { brokerFailure } from './brokerFailure.ts';
import type { BrokerPaths } from './brokerPaths.ts';
import { ensureJars } from './ensureJars.ts';
import { formatStorageOnce } from './formatStorageOnce.ts';
import type { KafkaBroker } from './kafkaBroker.ts';
import { requireJava17 } from './requireJava17.ts';
import { spawnBroker } from './spawnBroker.ts';
import { stopBrokerProcess } from './stopBrokerProcess.ts';
import { waitUntilReady } from './waitUntilReady.ts';
import { writeServerProperties } from './writeServerProperties.ts';

/** Prepares `.kafka/` as far as needed, then starts the broker; a broker that never gets ready is stopped again. */
export async function startBroker(address: BrokerAddress, paths: BrokerPaths): Promise<KafkaBroker> {
  requireJava17();
  await ensureJars(paths);
  writeServerProperties(address, paths);
  await formatStorageOnce(paths);
  const child = spawnBroker(paths);
  const pid = child.pid;
  if (pid === undefined) throw brokerFailure('could not spawn java', paths);
  writeFileSync(paths.pidFile, `${pid}\n`);
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => void (await stopBrokerProcess(pid, paths));
  try {
    await waitUntilReady(address, isRunning, paths);
  } catch (error) {
    await stop();
    throw error;
  }
  return { startedHere: true, address: address.text, pid, stop };
}
