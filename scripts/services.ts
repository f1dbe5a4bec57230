import type { Config } from '../config.ts';
import { ensureService } from './services/ensureService.ts';
import { natsService } from './services/natsService.ts';
import { postgresService } from './services/postgresService.ts';
import { probeFailure } from './services/probeFailure.ts';
import { redisService } from './services/redisService.ts';
import { errorMessage, type Service, type ServiceProbe, type ServiceStatus } from './services/service.ts';

export { ensureAutovacuum } from './services/ensureAutovacuum.ts';
export { databaseName, ensureDatabases } from './services/ensureDatabases.ts';
export type { ServiceName, ServiceProbe, ServiceStatus } from './services/service.ts';

/**
 * Makes sure PostgreSQL, Redis and NATS answer. A local service that is down but installed is started with the
 * same command CI uses; a missing one fails with the exact install command, because guessing is worse.
 */

/** All services are tried, so one run reports every problem; whatever was started is stopped on failure. */
export async function ensureServices(
  config: Config,
): Promise<{ services: ServiceStatus[]; stop(): Promise<void> }> {
  const results = await Promise.allSettled(describeServices(config).map(ensureService));
  const stops = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.stop] : []));
  const stopAll = async () => void (await Promise.all(stops.map((stop) => stop())));
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [errorMessage(result.reason)] : [],
  );
  if (failures.length > 0) {
    await stopAll();
    throw new Error(failures.join('\n'));
  }
  const services = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.status] : []));
  return { services, stop: stopAll };
}

/** Whether each service answers right now, without starting anything (for `infra status`). */
export async function probeServices(config: Config): Promise<ServiceProbe[]> {
  return Promise.all(
    describeServices(config).map(async (service) => {
      const address = `${service.host}:${service.port}`;
      const failure = await probeFailure(service);
      if (failure !== undefined) return { name: service.name, address, reachable: false, detail: failure };
      const missing = await service.verify?.().then(() => undefined, errorMessage);
      return { name: service.name, address, reachable: true, detail: missing };
    }),
  );
}

function describeServices(config: Config): Service[] {
  return [postgresService(config.DATABASE_URL), redisService(config.REDIS_URL), natsService(config.NATS_URL)];
}
