import { hostname } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Config, kafkaBrokers, loadConfig } from '../../config.ts';
import { CliFailure, EXIT } from '../exitCodes.ts';

/** Moved to cli/exitCodes.ts; re-exported for commands that import it from here. */
export { CliFailure };

/**
 * `trackops node`: one more TrackOps node in the foreground, against infrastructure that is already running (it
 * starts nothing and migrates nothing). Nodes lease shards in NATS KV, so it joins the others on the same
 * PostgreSQL, NATS and Kafka. `npm start -- --nodes N` runs N of these as child processes (scripts/cluster.ts).
 * stdout gets exactly one line, `node <id> listening on <url>/trpc`; logs go to stderr.
 */

/** How long a node may take, from the first signal, to drain and stop before it exits with code 1. */
/** After a clean stop, how long stray sockets and timers of client libraries may keep the process alive. */
const EXIT_GRACE_MS = 2000;

export function registerNodeCommand(program: Command, write: (text: string) => void): void {
  program
    .command('node')
    .description(
      'start one more node against running infrastructure, in the foreground (exit 6 if unreachable)',
    )
    .addOption(
      new Option('--node-id <id>', 'this node’s name (letters, digits, _ and -)').argParser(parseNodeId),
    )
    .addOption(new Option('--port <n>', 'API port (0 picks a free one)').argParser(parsePort))
    .action(async (options: { nodeId?: string; port?: number }) => {
      const config = loadConfig({
        ...process.env,
        NODE_ID: options.nodeId ?? defaultNodeId(),
        ...(options.port === undefined ? {} : { PORT: String(options.port) }),
      });
      // Installed before anything slow, so a Ctrl-C during start-up still ends in a clean stop.
      const stop = onStopSignal(config.NODE_ID, config.SHUTDOWN_TIMEOUT_MS);
      try {
        await requireInfrastructure(config);
        // Loaded here, so the other commands do not pay for the whole runtime's modules.
        const { bootstrap } = await import('../../main.ts');
        const trackops = await bootstrap(config);
        write(`node ${config.NODE_ID} listening on ${trackops.url}/trpc\n`);
        const signal = await stop.requested;
        process.stderr.write(`node ${config.NODE_ID}: ${signal}, shutting down\n`);
        await trackops.stop();
        process.stderr.write(`node ${config.NODE_ID} stopped\n`);
      } finally {
        // The signal handlers stay: a late second signal must not turn a clean stop into death by signal.
        // Client libraries may leave a socket or timer behind; they must not keep a finished node alive.
        setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
      }
    });
}

/** `node-<hostname>-<pid>`, with what NODE_ID does not allow (dots of a FQDN) turned into `-`. */
export function defaultNodeId(): string {
  return `node-${hostname().replace(/[^a-zA-Z0-9_-]+/g, '-')}-${process.pid}`;
}

function parseNodeId(value: string): string {
  if (!/^[a-zA-Z0-9_-]+$/.test(value)) throw new InvalidArgumentError('letters, digits, _ and - only.');
  return value;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port number, 0 to 65535.');
  return port;
}

/** Fails with exit code 6, naming every service that does not answer, before bootstrap tries to connect. */
async function requireInfrastructure(config: Config): Promise<void> {
  const { probeServices } = await import('../../scripts/services.ts');
  const { isKafkaReachable } = await import('../../scripts/kafka/brokerProbe.ts');
  const broker = kafkaBrokers(config)[0] ?? '';
  const [services, kafka] = await Promise.all([probeServices(config), isKafkaReachable(broker)]);
  const problems = [
    ...services.flatMap((service) =>
      service.reachable
        ? service.detail
          ? [`${service.name} at ${service.address}: ${service.detail}`]
          : []
        : [`${service.name} is not reachable at ${service.address} (${service.detail ?? 'no answer'})`],
    ),
    ...(kafka ? [] : [`kafka is not reachable at ${broker}`]),
  ];
  if (problems.length > 0) {
    throw new CliFailure(
      `cannot start a node: ${problems.join('; ')}. A node does not start infrastructure: run \`npm start\` or \`npm run infra:up\` first.`,
      EXIT.unavailable,
    );
  }
}

/**
 * `requested` resolves on the first SIGINT/SIGTERM. Later ones are ignored (a terminal and a supervisor both
 * signal), and from the first one on the node has SHUTDOWN_TIMEOUT_MS to finish, or it exits with code 1.
 */
function onStopSignal(nodeId: string, deadlineMs: number): { requested: Promise<NodeJS.Signals> } {
  let resolve: (signal: NodeJS.Signals) => void = () => {};
  const requested = new Promise<NodeJS.Signals>((done) => {
    resolve = done;
  });
  let received = false;
  const onSignal = (name: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`node ${nodeId}: ${name} again, already shutting down\n`);
      return;
    }
    received = true;
    setTimeout(() => {
      process.stderr.write(
        `node ${nodeId}: did not stop within ${deadlineMs / 1000} s (SHUTDOWN_TIMEOUT_MS), exiting\n`,
      );
      process.exit(EXIT.failure);
    }, deadlineMs).unref();
    resolve(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Started by `npm start -- --nodes N` (scripts/cluster.ts): if that supervisor dies, stop as if it said SIGTERM.
  if (process.channel) {
    process.once('disconnect', () => {
      process.stderr.write(`node ${nodeId}: the process that started it is gone\n`);
      onSignal('SIGTERM');
    });
    process.channel.unref();
  }
  return { requested };
}
