import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Config } from '../config.ts';

/**
 * Makes sure PostgreSQL, Redis and NATS answer. A local service that is down but installed is started with the
 * same command CI uses; a missing one fails with the exact install command, because guessing is worse.
 */

const START_DEADLINE_MS = 30_000;
const BUSY_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 15_000;
const POLL_INTERVAL_MS = 250;
const PROBE_TIMEOUT_MS = 2000;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const DUPLICATE_DATABASE = '42P04';

export type ServiceName = 'postgres' | 'redis' | 'nats';

export interface ServiceStatus {
  name: ServiceName;
  address: string;
  startedHere: boolean;
}

export interface ServiceProbe {
  name: ServiceName;
  address: string;
  reachable: boolean;
  detail: string | undefined;
}

interface Service {
  name: ServiceName;
  host: string;
  port: number;
  /** Resolves when the service answers a real request; rejects with the reason otherwise. */
  probe(): Promise<void>;
  /** A capability the runtime needs beyond answering (JetStream); rejects with what to change. */
  verify?(): Promise<void>;
  /** undefined when the server is not installed on this machine. */
  findStarter(): (() => Promise<() => Promise<void>>) | undefined;
  install: string;
}

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

async function ensureService(service: Service): Promise<{ status: ServiceStatus; stop(): Promise<void> }> {
  const address = `${service.host}:${service.port}`;
  const result = await ensureAnswering(service, address);
  try {
    await service.verify?.();
  } catch (error) {
    await result.stop();
    throw new Error(`${service.name}: reachable at ${address}, but ${errorMessage(error)}`);
  }
  return result;
}

async function ensureAnswering(service: Service, address: string) {
  const reachable = { status: { name: service.name, address, startedHere: false }, stop: async () => {} };
  const failure = await probeFailure(service);
  if (failure === undefined) return reachable;
  if (await isPortOpen(service.host, service.port)) {
    // Listening but not answering is usually a server still starting up (PostgreSQL recovering), so give it time.
    await waitUntilAnswers(service, BUSY_DEADLINE_MS, `accepts connections at ${address} but did not answer`);
    return reachable;
  }
  if (!LOCAL_HOSTS.has(service.host)) {
    throw new Error(
      `${service.name}: not reachable at ${address} (${failure}); not a local address, so not started here`,
    );
  }
  const start = service.findStarter();
  if (!start) {
    throw new Error(
      `${service.name}: not reachable at ${address} and not installed. Install it with:\n  ${service.install}`,
    );
  }
  const stopStarted = await start();
  try {
    await waitUntilAnswers(service, START_DEADLINE_MS, `did not answer at ${address} after starting it`);
  } catch (error) {
    await stopStarted().catch(() => {});
    throw error;
  }
  return { status: { ...reachable.status, startedHere: true }, stop: stopStarted };
}

async function probeFailure(service: Service): Promise<string | undefined> {
  try {
    await withDeadline(service.probe(), PROBE_TIMEOUT_MS * 2);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** The clients' own timeouts cover connecting; this covers a server that accepts and then never replies. */
async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntilAnswers(service: Service, timeoutMs: number, failure: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    const error = await probeFailure(service);
    if (error === undefined) return;
    lastError = error;
    await delay(POLL_INTERVAL_MS);
  }
  throw new Error(`${service.name}: ${failure} within ${timeoutMs / 1000} s (last error: ${lastError})`);
}

async function waitUntilSilent(service: Service): Promise<void> {
  const deadline = Date.now() + STOP_DEADLINE_MS;
  while (Date.now() < deadline && (await probeFailure(service)) === undefined) await delay(POLL_INTERVAL_MS);
}

function describeServices(config: Config): Service[] {
  return [postgresService(config.DATABASE_URL), redisService(config.REDIS_URL), natsService(config.NATS_URL)];
}

function postgresService(databaseUrl: string): Service {
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

function redisService(redisUrl: string): Service {
  const { host, port } = hostAndPort(redisUrl, 6379);
  const service: Service = {
    name: 'redis',
    host,
    port,
    install: 'apt-get install -y redis-server',
    probe: () => withRedis(redisUrl, async (redis) => void (await redis.ping())),
    findStarter: () => {
      const redisServer = findExecutable('redis-server');
      if (!redisServer) return undefined;
      return async () => {
        makeDirectories(['/var/lib/redis', '/var/log/redis']);
        const args = [
          '--daemonize',
          'yes',
          '--bind',
          '127.0.0.1',
          '-::1',
          '--port',
          String(port),
          '--save',
          '',
        ];
        const files = ['--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'];
        runOrThrow('redis', redisServer, [...args, ...files]);
        return async () => {
          await withRedis(redisUrl, (redis) => redis.shutdown('NOSAVE')).catch(() => {});
          await waitUntilSilent(service);
        };
      };
    },
  };
  return service;
}

async function withRedis<T>(redisUrl: string, call: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // failures surface through the awaited calls
  try {
    await redis.connect();
    return await call(redis);
  } finally {
    redis.disconnect();
  }
}

function natsService(natsUrl: string): Service {
  const servers = natsUrl.split(',').map((server) => server.trim());
  const { host, port } = hostAndPort(servers[0] ?? natsUrl, 4222);
  const service: Service = {
    name: 'nats',
    host,
    port,
    install: 'apt-get install -y nats-server',
    probe: () => withNats(servers, async () => {}),
    verify: () => withNats(servers, checkJetStream),
    findStarter: () => {
      const natsServer = findExecutable('nats-server');
      if (!natsServer) return undefined;
      return async () => {
        makeDirectories(['/var/lib/nats-server']);
        const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', '/var/lib/nats-server'];
        const child = spawn(natsServer, [...args, '-l', '/var/log/nats-server.log'], {
          detached: true,
          stdio: 'ignore',
        });
        child.unref();
        return async () => {
          if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
          await waitUntilSilent(service);
        };
      };
    },
  };
  return service;
}

async function withNats(servers: string[], call: (nats: NatsConnection) => Promise<void>): Promise<void> {
  const nats = await connectNats({ servers, timeout: PROBE_TIMEOUT_MS, reconnect: false });
  try {
    await call(nats);
  } finally {
    await nats.close();
  }
}

/** The runtime's streams and KV buckets need JetStream; the manager asks for account info, which fails without it. */
async function checkJetStream(nats: NatsConnection): Promise<void> {
  try {
    await jetstreamManager(nats, { timeout: PROBE_TIMEOUT_MS });
  } catch (error) {
    throw new Error(
      `JetStream is not enabled (${errorMessage(error)}): restart nats-server with -js, e.g. nats-server -js -sd /var/lib/nats-server`,
    );
  }
}

function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url.includes('://') ? url : `tcp://${url}`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || defaultPort) };
}

/** The always-present `postgres` database: the one named in the URL may not exist yet. */
function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

function installedPostgresVersion(): string | undefined {
  try {
    const versions = readdirSync('/etc/postgresql').filter((entry) => /^\d+(\.\d+)?$/.test(entry));
    return versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  } catch {
    return undefined;
  }
}

/** Like `command -v`, plus the sbin directories a non-root PATH lacks (nats-server lives in /usr/sbin). */
function findExecutable(name: string): string | undefined {
  const { PATH = '' } = process.env;
  const pathDirectories = PATH.split(':').filter(Boolean);
  for (const directory of [...pathDirectories, '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    try {
      accessSync(join(directory, name), constants.X_OK);
      return join(directory, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function makeDirectories(directories: string[]): void {
  for (const directory of directories) {
    try {
      mkdirSync(directory, { recursive: true });
    } catch {
      // the package created it, or we lack the rights: the server's own error will say which
    }
  }
}

function runOrThrow(service: ServiceName, command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || result.error?.message;
    throw new Error(`${service}: \`${command} ${args.join(' ')}\` failed: ${output}`);
  }
}

function isPortOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port, timeout: PROBE_TIMEOUT_MS });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
