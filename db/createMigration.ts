import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../config.ts';
import { ensureDatabaseExists, onMaintenanceDatabase, quoteIdentifier } from './migrate.ts';
import { createOrmConfig } from './mikro-orm.config.ts';

/**
 * `npm run db:migration:create [-- <name>]`: writes db/migrations/Migration<timestamp>[_<name>].ts with the
 * difference between the entities and the committed schema snapshot, then updates the snapshot. The diff is taken
 * against a throwaway database, so drift in a developer's own database never leaks into a migration.
 */
function scratchDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/trackops_migration_${process.pid}_${Date.now()}`;
  return url.toString();
}

async function generateMigration(databaseUrl: string, name: string | undefined): Promise<string> {
  const config = createOrmConfig(databaseUrl);
  const orm = await MikroORM.init({ ...config, migrations: { ...config.migrations, snapshot: true } });
  try {
    const result = await orm.migrator.createMigration(undefined, false, false, name);
    return result.fileName;
  } finally {
    await orm.close();
  }
}

async function main(): Promise<void> {
  const scratchUrl = scratchDatabaseUrl(loadConfig().DATABASE_URL);
  await ensureDatabaseExists(scratchUrl);
  try {
    const fileName = await generateMigration(scratchUrl, process.argv[2]);
    console.log(
      fileName
        ? `wrote db/migrations/${fileName}: review it, run \`npx biome check --write db/migrations\`, commit it`
        : 'the entities match the schema snapshot: no migration needed',
    );
  } finally {
    await onMaintenanceDatabase(scratchUrl, (client, name) =>
      client.query(`drop database ${quoteIdentifier(name)}`),
    );
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
