import { createServer } from 'node:net';
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from 'testcontainers';

/**
 * The integration tests' services as throw-away containers, for machines with a Docker engine. Versions match
 * docker-compose.yml and the Maven broker, so a test means the same thing whichever way the services run.
 */

export interface TestContainerUrls {
  TEST_DATABASE_URL: string;
  REDIS_URL: string;
  NATS_URL: string;
  KAFKA_BROKERS: string;
}

const STARTUP_TIMEOUT_MS = 120_000;

export async function startTestContainers(): Promise<{ urls: TestContainerUrls; stop(): Promise<void> }> {
  const starts = {
    postgres: startPostgres(),
    redis: startContainer(new GenericContainer('redis:7'), 6379, 'Ready to accept connections'),
    nats: startContainer(new GenericContainer('nats:2.10').withCommand(['-js']), 4222, 'Server is ready'),
    kafka: startKafka(),
  };
  const names = Object.keys(starts);
  const results = await Promise.allSettled(Object.values(starts));
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => void (await Promise.all(started.map((container) => container.stop())));
  const failures = results.flatMap((result, index) =>
    result.status === 'rejected'
      ? [`docker: the ${names[index]} container did not start: ${String(result.reason)}`]
      : [],
  );
  if (failures.length > 0) {
    await stop();
    throw new Error(failures.join('\n'));
  }
  const [postgres, redis, nats, kafka] = started;
  const urls = {
    TEST_DATABASE_URL: `postgres://postgres@${address(postgres, 5432)}/trackops_test`,
    REDIS_URL: `redis://${address(redis, 6379)}`,
    NATS_URL: `nats://${address(nats, 4222)}`,
    KAFKA_BROKERS: address(kafka, 9092),
  };
  return { urls, stop };
}

function address(container: StartedTestContainer | undefined, port: number): string {
  if (!container) throw new Error('docker: a container is missing after start-up');
  return `${container.getHost()}:${container.getMappedPort(port)}`;
}

function startContainer(container: GenericContainer, port: number, readyLog: string | RegExp) {
  return container
    .withExposedPorts(port)
    .withWaitStrategy(Wait.forLogMessage(readyLog))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
}

function startPostgres() {
  // The server restarts once after initdb; only the second "ready" line means it accepts connections.
  return new GenericContainer('postgres:15')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
}

/**
 * Kafka hands clients the advertised address, so it must be the host-side one, which a randomly mapped port only
 * reveals after start. Binding a free host port chosen up front lets the broker advertise it from the beginning.
 */
async function startKafka() {
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  const hostPort = await freePort();
  return new GenericContainer('apache/kafka:4.1.2')
    .withEnvironment(kafkaEnvironment(`${host}:${hostPort}`))
    .withExposedPorts({ container: 9092, host: hostPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
}

/** Any KAFKA_* variable replaces the image's whole default config, so every single-node setting is spelled out. */
function kafkaEnvironment(advertised: string): Record<string, string> {
  return {
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,BROKER://:19092,CONTROLLER://:9093',
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${advertised},BROKER://localhost:19092`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '4',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '4',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_NUM_PARTITIONS: '1',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const bound = server.address();
      server.close(() =>
        typeof bound === 'object' && bound ? resolve(bound.port) : reject(new Error('no port')),
      );
    });
  });
}
