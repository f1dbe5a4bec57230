import { type Config, DEFAULT_TEST_DATABASE_URL } from '../config.ts';
import { ensureKafkaBroker, kafkaVersion } from './kafka/kafkaBroker.ts';
import { databaseName, ensureAutovacuum, ensureDatabases, ensureServices } from './services.ts';

/**
 * Everything TrackOps needs running on this machine: PostgreSQL (with its databases), Redis, NATS with JetStream
 * and a Kafka broker. Reuses what answers, starts what is installed but down, and stops only what it started.
 */
export async function ensureInfrastructure(
  config: Config,
  options: { databases?: string[] } = {},
): Promise<{ stop(): Promise<void> }> {
  const services = await ensureServices(config);
  try {
    for (const service of services.services) {
      console.error(
        `${service.name}: ${service.startedHere ? 'started' : 'reachable'} at ${service.address}`,
      );
    }
    const databases = options.databases ?? defaultDatabases(config);
    const created = await ensureDatabases(config.DATABASE_URL, databases);
    if (created.length > 0) console.error(`postgres: created database ${created.join(', ')}`);
    const autovacuum = await ensureAutovacuum(config.DATABASE_URL);
    if (autovacuum !== 'on') console.error(`postgres: ${AUTOVACUUM_MESSAGES[autovacuum]}`);
    const kafka = await ensureKafkaBroker({ brokers: config.KAFKA_BROKERS });
    console.error(
      kafka.startedHere
        ? `kafka: started ${kafkaVersion()} broker at ${kafka.address} (pid ${kafka.pid})`
        : `kafka: reachable at ${kafka.address}`,
    );
    return {
      stop: async () => {
        await kafka.stop();
        await services.stop();
      },
    };
  } catch (error) {
    await services.stop();
    throw error;
  }
}

const AUTOVACUUM_MESSAGES = {
  'turned-on': 'autovacuum was off; turned it on for this server (ALTER SYSTEM), as TrackOps churns rows',
  off: 'autovacuum is off and this role may not turn it on: dead rows will pile up (ask for autovacuum = on)',
} as const;

/** The application's database and the integration tests' one, both on the server of DATABASE_URL. */
function defaultDatabases(config: Config): string[] {
  return [
    ...new Set([
      databaseName(config.DATABASE_URL),
      databaseName(process.env['TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL),
    ]),
  ];
}
