import { spawnSync } from 'node:child_process';
import { migrateDatabase } from '../../db/migrate.ts';
import { ensureInfrastructure } from '../../scripts/infrastructure.ts';
import { databaseName, ensureDatabases } from '../../scripts/services.ts';
import { startTestContainers } from './containers.ts';
import { testConfig } from './testConfig.ts';

/**
 * Brings up the integration tests' services once per run: throw-away containers when a Docker engine answers,
 * otherwise this machine's own services (started if installed but down). Then migrates `trackops_test`.
 * The teardown stops only what this setup started.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const { databaseUrl, stop } = hasDockerEngine() ? await useContainers() : await useLocalServices();
  try {
    await prepareDatabase(databaseUrl);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

function hasDockerEngine(): boolean {
  const result = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
  return result.status === 0;
}

async function useContainers() {
  console.error('docker: starting postgres, redis, nats and kafka containers for the integration tests');
  const containers = await startTestContainers();
  // Test workers start after this setup and inherit the environment, so testConfig() picks these up there.
  Object.assign(process.env, containers.urls);
  return { databaseUrl: containers.urls.TEST_DATABASE_URL, stop: containers.stop };
}

async function useLocalServices() {
  const config = testConfig();
  const infrastructure = await ensureInfrastructure(config);
  return { databaseUrl: config.DATABASE_URL, stop: infrastructure.stop };
}

async function prepareDatabase(databaseUrl: string): Promise<void> {
  try {
    await ensureDatabases(databaseUrl, [databaseName(databaseUrl)]);
    await migrateDatabase(databaseUrl);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`postgres: preparing ${databaseName(databaseUrl)} for the tests failed: ${reason}`);
  }
}
