import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Finds the processes whose CPU the bench reports, by name or command line (pgrep), and tells apart two
 * candidates by the TCP port they listen on (ss), e.g. a second Kafka broker of another checkout:
 * - runtime: node processes running `scripts/run.ts` (npm start) or `cli/trackops.mjs node` (one cluster node)
 *   that listen on a TCP port (the API; the cluster's supervisor listens on none) and belong to the system under
 *   test: they listen on its API port or have its TRACKOPS_NAMESPACE in their environment (another deployment
 *   on the same machine, e.g. a colleague's on port 3100 with namespace `perf`, counts as `other`);
 * - kafka: the java process whose command line holds `kafka.Kafka` and that listens on the broker's port;
 * - postgres: every process named `postgres` (postmaster, backends, WAL writer, checkpointer…);
 * - redis: `redis-server`; nats: `nats-server`; loadgen: this process.
 */
export const PROCESS_GROUPS = ['runtime', 'kafka', 'postgres', 'redis', 'nats', 'loadgen'] as const;
export type ProcessGroup = (typeof PROCESS_GROUPS)[number];

const run = promisify(execFile);

async function pgrep(args: string[]): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', args);
    return stdout.split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** `ss -ltnpH` -> listening port -> pids. */
export function parseListeningSockets(ssOutput: string): Map<number, number[]> {
  const byPort = new Map<number, number[]>();
  for (const line of ssOutput.split('\n')) {
    const columns = line.trim().split(/\s+/);
    const local = columns[3];
    if (!local) continue;
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
    if (!Number.isInteger(port) || pids.length === 0) continue;
    byPort.set(port, [...new Set([...(byPort.get(port) ?? []), ...pids])]);
  }
  return byPort;
}

async function listeningSockets(): Promise<Map<number, number[]>> {
  try {
    const { stdout } = await run('ss', ['-ltnpH']);
    return parseListeningSockets(stdout);
  } catch {
    return new Map();
  }
}

export interface DiscoveredProcesses {
  readonly groups: Record<ProcessGroup, number[]>;
  /** The API port of each runtime node, to scrape its /metrics. */
  readonly runtimePorts: Map<number, number>;
}

export interface DiscoveryTarget {
  /** The port of the API the bench talks to: a runtime found by nothing else is the process listening there. */
  readonly apiPort: number;
  readonly kafkaPort: number;
  /** TRACKOPS_NAMESPACE of the system under test. */
  readonly namespace: string;
}

/** The namespace a TrackOps process runs in: its TRACKOPS_NAMESPACE, or the default. Unreadable: undefined. */
async function namespaceOf(pid: number): Promise<string | undefined> {
  try {
    const environment = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
    const entry = environment.find((variable) => variable.startsWith('TRACKOPS_NAMESPACE='));
    return entry ? entry.slice('TRACKOPS_NAMESPACE='.length) : 'trackops';
  } catch {
    return undefined;
  }
}

export async function discoverProcesses(target: DiscoveryTarget): Promise<DiscoveredProcesses> {
  const [sockets, runtimeCandidates, kafkaCandidates, postgres, redis, nats] = await Promise.all([
    listeningSockets(),
    pgrep(['-f', 'scripts/run\\.ts|cli/trackops\\.mjs node']),
    pgrep(['-f', 'kafka\\.Kafka']),
    pgrep(['-x', 'postgres']),
    pgrep(['-x', 'redis-server']),
    pgrep(['-x', 'nats-server']),
  ]);
  const portsOf = new Map<number, number[]>();
  for (const [port, pids] of sockets) {
    for (const pid of pids) portsOf.set(pid, [...(portsOf.get(pid) ?? []), port]);
  }
  const runtimePorts = new Map<number, number>();
  for (const pid of runtimeCandidates) {
    const ports = portsOf.get(pid) ?? [];
    if (pid === process.pid || ports.length === 0) continue;
    if (ports.includes(target.apiPort)) runtimePorts.set(pid, target.apiPort);
    else if ((await namespaceOf(pid)) === target.namespace) runtimePorts.set(pid, ports[0] as number);
  }
  if (runtimePorts.size === 0) {
    for (const pid of sockets.get(target.apiPort) ?? []) runtimePorts.set(pid, target.apiPort);
  }
  const brokerPids = sockets.get(target.kafkaPort) ?? [];
  const kafka = kafkaCandidates.filter((pid) => brokerPids.includes(pid));
  return {
    groups: {
      runtime: [...runtimePorts.keys()],
      kafka: kafka.length > 0 ? kafka : kafkaCandidates,
      postgres,
      redis,
      nats,
      loadgen: [process.pid],
    },
    runtimePorts,
  };
}
