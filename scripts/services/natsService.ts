import { spawn } from 'node:child_process';
import { connect as connectNats, type NatsConnection } from '@nats-io/transport-node';
import { checkJetStream } from './checkJetStream.ts';
import { findExecutable, makeDirectories } from './localServer.ts';
import { waitUntilSilent } from './probeFailure.ts';
import { hostAndPort, PROBE_TIMEOUT_MS, type Service } from './service.ts';

export function natsService(natsUrl: string): Service {
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
        // nats-server has no daemon mode: detach it so it outlives this process.
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

/** Without reconnects, so a down server fails the call instead of being retried in the background. */
async function withNats(servers: string[], call: (nats: NatsConnection) => Promise<void>): Promise<void> {
  const nats = await connectNats({ servers, timeout: PROBE_TIMEOUT_MS, reconnect: false });
  try {
    await call(nats);
  } finally {
    await nats.close();
  }
}
