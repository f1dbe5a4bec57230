import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { openOrm } from './orm.ts';

/**
 * Applies pending migrations. Several processes may start at once (app nodes, test workers), and MikroORM's
 * migrator does not serialise them, so every run holds one PostgreSQL advisory lock while it migrates.
 */
const MIGRATION_LOCK_KEY = 7_236_011; // arbitrary; only has to be the same for every TrackOps migrator
const UNDEFINED_DATABASE = '3D000';
const DUPLICATE_DATABASE = '42P04';

const sqlCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/** Runs `work` on a connection to the server's `postgres` database, for statements that act on whole databases. */
export async function onMaintenanceDatabase<T>(
  databaseUrl: string,
  work: (client: pg.Client, databaseName: string) => Promise<T>,
): Promise<T> {
  const url = new URL(databaseUrl);
  const databaseName = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client, databaseName);
  } finally {
    await client.end();
  }
}

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Creates the database named in the URL unless it exists; tolerates another process creating it meanwhile. */
export function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  return onMaintenanceDatabase(databaseUrl, async (client, databaseName) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [databaseName]);
    if (found.rowCount) return;
    await client.query(`create database ${quoteIdentifier(databaseName)}`).catch((error: unknown) => {
      if (sqlCode(error) !== DUPLICATE_DATABASE) throw error;
    });
  });
}

async function connectCreatingDatabase(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return client;
  } catch (error) {
    if (sqlCode(error) !== UNDEFINED_DATABASE) throw error;
    await ensureDatabaseExists(databaseUrl);
    return connectCreatingDatabase(databaseUrl);
  }
}

async function withMigrationLock<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const lockHolder = await connectCreatingDatabase(databaseUrl);
  try {
    await lockHolder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    // Closing the session releases the lock, also when `work` failed half-way.
    await lockHolder.end();
  }
}

/** Brings the database up to the latest migration; resolves to the names of the migrations it applied. */
export function migrateDatabase(databaseUrl: string): Promise<string[]> {
  return withMigrationLock(databaseUrl, async () => {
    const orm = await openOrm(databaseUrl);
    try {
      const applied = await orm.migrator.up();
      return applied.map((migration) => migration.name);
    } finally {
      await orm.close();
    }
  });
}

const withoutPassword = (databaseUrl: string): string => {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
};

async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfig();
  const applied = await migrateDatabase(DATABASE_URL);
  const target = withoutPassword(DATABASE_URL);
  if (applied.length === 0) console.log(`${target} is up to date`);
  else console.log(`applied to ${target}:\n${applied.map((name) => `  ${name}`).join('\n')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
}
