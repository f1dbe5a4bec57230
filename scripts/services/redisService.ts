import { Redis } from 'ioredis';
import { findExecutable, makeDirectories, runOrThrow } from './localServer.ts';
import { waitUntilSilent } from './probeFailure.ts';
import { hostAndPort, PROBE_TIMEOUT_MS, type Service } from './service.ts';

export function redisService(redisUrl: string): Service {
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

/** A one-shot client that fails instead of retrying or queueing, so a down server is reported at once. */
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
