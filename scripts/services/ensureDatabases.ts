import pg from 'pg';

const DUPLICATE_DATABASE = '42P04';

/** Creates each missing database on the server of `databaseUrl`; returns the names it created. */
export async function ensureDatabases(databaseUrl: string, names: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl) });
  await client.connect();
  try {
    const created: string[] = [];
    for (const name of names) {
      if (await createDatabaseIfMissing(client, name)) created.push(name);
    }
    return created;
  } finally {
    await client.end();
  }
}

export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

/** The always-present `postgres` database: the one named in the URL may not exist yet. */
export function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function createDatabaseIfMissing(client: pg.Client, name: string): Promise<boolean> {
  const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (existing.rowCount) return false;
  try {
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (error) {
    // Two creators raced (parallel test runs): the other one won, which is just as good.
    if ((error as { code?: string }).code === DUPLICATE_DATABASE) return false;
    throw error;
  }
}
