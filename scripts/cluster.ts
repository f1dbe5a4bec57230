import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * `npm start -- --nodes N`: N TrackOps nodes as child processes of scripts/run.ts, each one `trackops node`
 * (cli/commands/node.ts) with a readable, stable id (`node-1` … `node-N`) and its own API port (PORT, PORT+1, …;
 * PORT=0 gives each a free port). The infrastructure is shared and started once by run.ts; the nodes share the
 * actors through shard leases in NATS KV. A node that dies is reported loudly and not restarted: the others keep
 * running, and its shards move to them when its leases expire.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'cli', 'trackops.mjs');
const LISTENING = /^node (\S+) listening on (\S+)$/;

export interface NodeSpec {
  readonly id: string;
  readonly port: number;
}

export interface StartedNode extends NodeSpec {
  /** The tRPC endpoint, `http://host:port/trpc`. */
  readonly url: string;
}

export interface NodeExit {
  readonly id: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when it exited 0 after being asked to stop. */
  readonly clean: boolean;
}

export interface ClusterOptions {
  readonly count: number;
  /** The first node's port; the others follow it. 0 lets every node pick a free port. */
  readonly basePort: number;
  /** Called when a node exits without being asked to; `running` is how many are left. */
  readonly onUnexpectedExit?: (exit: NodeExit, running: number) => void;
  /** How long a node may take to come up (default 180 s). */
  readonly startTimeoutMs?: number;
  /** How long the nodes may take to stop before they are killed (default 45 s). */
  readonly stopTimeoutMs?: number;
}

export interface Cluster {
  /** Starts node-1 (it creates the topics and lease buckets on a fresh system), then the others together. */
  start(): Promise<StartedNode[]>;
  /** Sends `signal` to every running node and waits for all to exit; stragglers are SIGKILLed at the deadline. */
  stop(signal: NodeJS.Signals): Promise<NodeExit[]>;
  /** Exits of nodes that died without being asked to, so far. */
  readonly unexpectedExits: readonly NodeExit[];
}

/** node-1 … node-N on PORT, PORT+1, …; fails before anything starts when a port would be out of range. */
export function nodeSpecs(count: number, basePort: number): NodeSpec[] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`the node count must be a positive integer, not ${count}`);
  if (basePort !== 0 && basePort + count - 1 > 65535) {
    throw new Error(
      `${count} nodes from PORT=${basePort} need ports up to ${basePort + count - 1}, above 65535`,
    );
  }
  return Array.from({ length: count }, (_, index) => ({
    id: `node-${index + 1}`,
    port: basePort === 0 ? 0 : basePort + index,
  }));
}

interface RunningNode {
  readonly spec: NodeSpec;
  readonly child: ChildProcess;
  readonly exited: Promise<NodeExit>;
}

export function createCluster(options: ClusterOptions): Cluster {
  const specs = nodeSpecs(options.count, options.basePort);
  const running = new Map<string, RunningNode>();
  const unexpectedExits: NodeExit[] = [];
  let stopping = false;

  function launch(spec: NodeSpec): { node: RunningNode; listening: Promise<StartedNode> } {
    // The CLI registers tsx itself; the node inherits this environment, so it uses the same infrastructure.
    // Its own process group: a Ctrl-C reaches the nodes once, forwarded by stop(), not also from the terminal.
    // The IPC channel is how a node notices that this process died without stopping it: it then stops itself.
    const child = spawn(process.execPath, [CLI, 'node', '--node-id', spec.id, '--port', String(spec.port)], {
      cwd: ROOT,
      env: process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    const exited = new Promise<NodeExit>((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(spec.id);
        const exit = { id: spec.id, code, signal, clean: stopping && code === 0 };
        if (!stopping) {
          unexpectedExits.push(exit);
          options.onUnexpectedExit?.(exit, running.size);
        }
        resolve(exit);
      });
    });
    const listening = new Promise<StartedNode>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${spec.id} did not come up within ${startTimeoutMs / 1000} s`));
      }, startTimeoutMs);
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        const match = LISTENING.exec(line.trim());
        if (match?.[2]) {
          clearTimeout(timer);
          resolve({ ...spec, url: match[2] });
        } else if (line.trim() !== '') {
          process.stdout.write(`${spec.id}: ${line}\n`);
        }
      });
      void exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`${spec.id} exited during start-up (${describeExit(exit)})`));
      });
    });
    // start() may give up on a node before it settles; its outcome is reported through `exited`.
    listening.catch(() => {});
    const node = { spec, child, exited };
    running.set(spec.id, node);
    return { node, listening };
  }

  const startTimeoutMs = options.startTimeoutMs ?? 180_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 45_000;

  return {
    unexpectedExits,
    async start() {
      const [first, ...others] = specs;
      if (!first) return [];
      const started = [await launch(first).listening];
      if (stopping) throw new Error('stopped during start-up');
      started.push(...(await Promise.all(others.map((spec) => launch(spec).listening))));
      if (stopping) throw new Error('stopped during start-up');
      return started;
    },
    async stop(signal) {
      stopping = true;
      const nodes = [...running.values()];
      for (const node of nodes) node.child.kill(signal);
      const killer = setTimeout(() => {
        for (const node of running.values()) {
          process.stderr.write(`${node.spec.id} did not stop within ${stopTimeoutMs / 1000} s: killing it\n`);
          node.child.kill('SIGKILL');
        }
      }, stopTimeoutMs);
      try {
        return await Promise.all(nodes.map((node) => node.exited));
      } finally {
        clearTimeout(killer);
      }
    },
  };
}

export function describeExit(exit: Pick<NodeExit, 'code' | 'signal'>): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}
