import { readFileSync } from 'node:fs';
import { type BrokerAddress, parseBrokerAddress } from './brokerAddress.ts';
import { brokerPaths, DEFAULT_PROJECT_DIR } from './brokerPaths.ts';
import { isKafkaReachable } from './brokerProbe.ts';
import { isBrokerProcess, readPid } from './isBrokerProcess.ts';
import { startBroker } from './startBroker.ts';
import { stopBrokerProcess } from './stopBrokerProcess.ts';
import { waitUntilReady } from './waitUntilReady.ts';
import { withStartLock } from './withStartLock.ts';

/**
 * A real single-node KRaft broker for development and tests, run from Maven jars under `.kafka/` (git-ignored),
 * so no Docker and no Kafka tarball are needed. A broker that already answers is always reused, never restarted.
 */

const DEFAULT_BROKER = '127.0.0.1:9092';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export { isKafkaReachable };

export interface KafkaBroker {
  startedHere: boolean;
  address: string;
  /** The broker process when this machine runs it from `.kafka/`; undefined for a broker found elsewhere. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Reuses the broker at `brokers` (first entry) if it answers, otherwise starts one from `.kafka/`. */
export async function ensureKafkaBroker(
  options: { projectDir?: string; brokers?: string } = {},
): Promise<KafkaBroker> {
  const paths = brokerPaths(options.projectDir ?? DEFAULT_PROJECT_DIR);
  const { KAFKA_BROKERS } = process.env;
  const address = parseBrokerAddress(options.brokers ?? KAFKA_BROKERS ?? DEFAULT_BROKER);
  if (await isKafkaReachable(address.text)) return foreignBroker(address, readPid(paths.pidFile));
  if (!LOCAL_HOSTS.has(address.host)) {
    throw new Error(
      `kafka: no broker answers at ${address.text}, and a non-local broker cannot be started here`,
    );
  }
  return withStartLock(paths, async () => {
    // Whoever held the lock before us may have started the broker already.
    if (await isKafkaReachable(address.text)) return foreignBroker(address, readPid(paths.pidFile));
    const startingPid = readPid(paths.pidFile);
    if (startingPid !== undefined && isBrokerProcess(startingPid)) {
      await waitUntilReady(address, () => isBrokerProcess(startingPid), paths);
      return foreignBroker(address, startingPid);
    }
    return startBroker(address, paths);
  });
}

/** Stops the broker that `.kafka/broker.pid` names; returns its pid, or undefined when none was running. */
export async function stopKafkaBroker(projectDir: string = DEFAULT_PROJECT_DIR): Promise<number | undefined> {
  const paths = brokerPaths(projectDir);
  const pid = readPid(paths.pidFile);
  if (pid === undefined) return undefined;
  return (await stopBrokerProcess(pid, paths)) ? pid : undefined;
}

/** The Kafka version the pom pins, for log lines. */
export function kafkaVersion(projectDir: string = DEFAULT_PROJECT_DIR): string {
  const pom = readFileSync(brokerPaths(projectDir).pom, 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
}

/** Someone else started it, so stopping is theirs to do: `stop` leaves it running. */
function foreignBroker(address: BrokerAddress, pid: number | undefined): KafkaBroker {
  return { startedHere: false, address: address.text, pid, stop: async () => {} };
}
