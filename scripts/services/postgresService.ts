import { readdirSync } from 'node:fs';
import pg from 'pg';
import { maintenanceUrl } from './ensureDatabases.ts';
import { findExecutable, runOrThrow } from './localServer.ts';
import { hostAndPort, PROBE_TIMEOUT_MS, type Service } from './service.ts';

/** Started through pg_ctlcluster, as CI does, so the Debian cluster's own configuration applies. */
export function postgresService(databaseUrl: string): Service {
  const { host, port } = hostAndPort(databaseUrl, 5432);
  return {
    name: 'postgres',
    host,
    port,
    install: 'apt-get install -y postgresql',
    probe: async () => {
      const client = new pg.Client({
        connectionString: maintenanceUrl(databaseUrl),
        connectionTimeoutMillis: PROBE_TIMEOUT_MS,
        query_timeout: PROBE_TIMEOUT_MS,
      });
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => {});
      }
    },
    findStarter: () => {
      const version = installedPostgresVersion();
      if (version === undefined || !findExecutable('pg_ctlcluster')) return undefined;
      const cluster = ['--skip-systemctl-redirect', version, 'main'];
      return async () => {
        runOrThrow('postgres', 'pg_ctlcluster', [...cluster, 'start']);
        return async () => runOrThrow('postgres', 'pg_ctlcluster', [...cluster, 'stop']);
      };
    },
  };
}

function installedPostgresVersion(): string | undefined {
  try {
    const versions = readdirSync('/etc/postgresql').filter((entry) => /^\d+(\.\d+)?$/.test(entry));
    return versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  } catch {
    return undefined;
  }
}
