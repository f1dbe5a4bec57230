import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { ensureInfrastructure } from './infrastructure.ts';
import { isKafkaReachable, stopKafkaBroker } from './kafka/kafkaBroker.ts';
import { probeServices } from './services.ts';

/**
 * `tsx scripts/infra.ts up|down|status`: the local services for development and tests, outside any test run.
 * Every command exits explicitly, because client libraries may keep sockets or timers alive after their work.
 */

const program = new Command('infra').description('local PostgreSQL, Redis, NATS and Kafka for TrackOps');

program
  .command('up')
  .description('reach or start every service, create the databases, and leave them running')
  .action(async () => {
    await ensureInfrastructure(loadConfig());
    process.exit(0);
  });

program
  .command('down')
  .description('stop the Kafka broker that .kafka/broker.pid names (other services are left alone)')
  .action(async () => {
    const pid = await stopKafkaBroker();
    console.error(
      pid === undefined ? 'kafka: no broker of ours was running' : `kafka: stopped broker (pid ${pid})`,
    );
    process.exit(0);
  });

program
  .command('status')
  .description('print whether each service answers; exits 1 when one does not')
  .action(async () => {
    const config = loadConfig();
    const services = await probeServices(config);
    const broker = config.KAFKA_BROKERS.split(',')[0]?.trim() ?? '';
    const kafka = {
      name: 'kafka',
      address: broker,
      reachable: await isKafkaReachable(broker),
      detail: undefined,
    };
    for (const service of [...services, kafka]) {
      const state = service.reachable ? 'reachable' : 'NOT reachable';
      console.log(
        `${service.name}: ${state} at ${service.address}${service.detail ? ` (${service.detail})` : ''}`,
      );
    }
    const healthy = [...services, kafka].every((service) => service.reachable && !service.detail);
    process.exit(healthy ? 0 : 1);
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
