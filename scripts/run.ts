import { loadConfig } from '../config.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { bootstrap } from '../main.ts';
import { ensureInfrastructure } from './infrastructure.ts';

/**
 * `npm start`: brings up what is missing (Kafka broker, local PostgreSQL/Redis/NATS), applies migrations, starts
 * the runtime and the API, and stays in the foreground until Ctrl-C; then stops everything it started.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const infrastructure = await ensureInfrastructure(config);
  let trackops: Awaited<ReturnType<typeof bootstrap>>;
  try {
    const applied = await migrateDatabase(config.DATABASE_URL);
    console.error(`migrations: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);
    trackops = await bootstrap(config);
  } catch (error) {
    await infrastructure.stop();
    throw error;
  }
  console.log(
    `TrackOps API listening on ${trackops.url}/trpc (metrics: ${trackops.url}/metrics). Ctrl-C stops it.`,
  );

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: shutting down`);
    await trackops.stop();
    await infrastructure.stop();
    console.error('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(
      `the API port is already in use: is TrackOps already running? (set PORT to use another) — ${String(error)}`,
    );
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
