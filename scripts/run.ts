import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { withDeadline } from '../actors/withDeadline.ts';
import { ensureAdminKeyFile } from '../cli/adminKeyFile.ts';
import { type Config, loadConfig } from '../config.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { bootstrap } from '../main.ts';
import { createCluster, describeExit, type NodeExit, nodeSpecs } from './cluster.ts';
import { ensureInfrastructure } from './infrastructure.ts';

/**
 * `npm start`: brings up what is missing (Kafka broker, local PostgreSQL/Redis/NATS), applies migrations, starts
 * the runtime and the API, and stays in the foreground until Ctrl-C; then stops everything it started.
 * `--nodes N` (or TRACKOPS_NODES=N) with N > 1 starts N nodes as child processes instead (scripts/cluster.ts),
 * on ports PORT, PORT+1, …, sharing the infrastructure, which is brought up and migrated once.
 * Without TRACKOPS_ADMIN_KEY, the bootstrap admin key comes from `.trackops/admin.key` (created when missing).
 */
async function main(): Promise<void> {
  const nodes = nodeCount(process.argv.slice(2), process.env['TRACKOPS_NODES']);
  useAdminKeyFile();
  const config = loadConfig();
  if (nodes > 1) return runCluster(config, nodes);
  const infrastructure = await ensureInfrastructure(config);
  let trackops: Awaited<ReturnType<typeof bootstrap>>;
  try {
    const applied = await migrateDatabase(config.DATABASE_URL);
    console.error(`migrations: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);
    trackops = await bootstrap(config);
  } catch (error) {
    await infrastructure.stop();
    throw error;
  }
  console.log(
    `TrackOps API listening on ${trackops.url}/trpc (metrics: ${trackops.url}/metrics). Ctrl-C stops it.`,
  );

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: shutting down`);
    await withDeadline(trackops.stop(), config.SHUTDOWN_TIMEOUT_MS, () => {
      console.error(
        `${signal}: not stopped within ${config.SHUTDOWN_TIMEOUT_MS} ms (SHUTDOWN_TIMEOUT_MS); exiting anyway`,
      );
      process.exit(1);
    });
    await infrastructure.stop();
    console.error('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

class UsageError extends Error {}

/** The checkout this script belongs to: `.trackops/` lives here, where the CLI looks for it. */
const ROOT = join(import.meta.dirname, '..');

/**
 * A developer's machine needs no admin key set up: without TRACKOPS_ADMIN_KEY, the one in `.trackops/admin.key`
 * (a new random one the first time) is put in this process's environment, which the node, or every child node
 * with `--nodes N`, reads. Only the file's path is printed, never the key.
 */
function useAdminKeyFile(): void {
  if (process.env['TRACKOPS_ADMIN_KEY']) return;
  const { key, path, created } = ensureAdminKeyFile(ROOT);
  process.env['TRACKOPS_ADMIN_KEY'] = key;
  console.error(
    `admin API key: ${created ? 'created ' : ''}${path} (the CLI reads it from ${ROOT}; TRACKOPS_ADMIN_KEY overrides it)`,
  );
}

/** Longer than the tsx wrapper's signal relay takes (two 30 ms waits); see runCluster. */
const SIGNAL_SETTLE_MS = 300;

/** `--nodes N` wins over TRACKOPS_NODES; the default is one node, in this process. */
function nodeCount(argv: string[], env: string | undefined): number {
  let values: { nodes?: string | undefined };
  try {
    ({ values } = parseArgs({ args: argv, options: { nodes: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError(
      `${error instanceof Error ? error.message : error} (usage: npm start -- [--nodes N])`,
    );
  }
  const raw = values.nodes ?? env ?? '1';
  const count = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || count < 1) {
    throw new UsageError(
      `the node count (--nodes or TRACKOPS_NODES) must be a whole number ≥ 1, not "${raw}"`,
    );
  }
  return count;
}

/**
 * N nodes as child processes on shared infrastructure. Ctrl-C/SIGTERM goes to every node; once all have exited,
 * the infrastructure this run started is stopped. A node that dies is reported and not restarted.
 */
async function runCluster(config: Config, count: number): Promise<void> {
  nodeSpecs(count, config.PORT); // a bad port range fails here, before anything starts
  const infrastructure = await ensureInfrastructure(config);
  try {
    const applied = await migrateDatabase(config.DATABASE_URL);
    console.error(`migrations: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);
  } catch (error) {
    await infrastructure.stop();
    throw error;
  }

  let up = false;
  let finishing: Promise<void> | undefined;
  /** Once: stops the nodes that run, then the infrastructure this run started, and exits. */
  const finish = (
    reason: string,
    how: { signal?: NodeJS.Signals; settleMs?: number; failed?: boolean },
  ): Promise<void> => {
    finishing ??= (async () => {
      console.error(reason);
      if (how.settleMs) await delay(how.settleMs);
      const exits = how.signal ? await cluster.stop(how.signal) : [];
      for (const exit of exits) {
        console.error(
          `${exit.id}: ${exit.clean ? 'stopped' : `did not stop cleanly (${describeExit(exit)})`}`,
        );
      }
      await infrastructure.stop();
      const clean = !how.failed && exits.every((exit) => exit.clean) && cluster.unexpectedExits.length === 0;
      console.error(clean ? 'stopped' : 'stopped; not every node ended cleanly (see above)');
      process.exit(clean ? 0 : 1);
    })();
    return finishing;
  };
  const cluster = createCluster({
    count,
    basePort: config.PORT,
    onUnexpectedExit: (exit: NodeExit, running: number) => {
      if (!up) return; // start() fails with the reason, and everything is stopped
      console.error(
        [
          '',
          `!!! ${exit.id} EXITED UNEXPECTEDLY (${describeExit(exit)}). It is not restarted.`,
          running > 0
            ? `!!! ${running} node(s) keep running; its shards move to them within LEASE_TTL_MS (${config.LEASE_TTL_MS} ms).`
            : '!!! no node is left.',
          '',
        ].join('\n'),
      );
      if (running === 0) void finish('every node has exited: stopping the infrastructure', { failed: true });
    },
  });
  // The nodes have process groups of their own, so a signal reaches them only through this forwarding. It waits a
  // moment first: the tsx wrapper running this file re-sends a signal that reaches it twice (from the terminal and
  // from start.mjs) and SIGKILLs this process unless it acknowledges within 30 ms; N nodes busy stopping must not
  // starve it of CPU during that window.
  const onSignal = (signal: NodeJS.Signals) =>
    void finish(`${signal}: stopping every node`, { signal, settleMs: SIGNAL_SETTLE_MS });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let started: Awaited<ReturnType<typeof cluster.start>>;
  try {
    started = await cluster.start();
  } catch (error) {
    if (finishing) return; // a signal arrived during start-up; finish() stops everything and exits
    console.error(`the cluster did not start: ${error instanceof Error ? error.message : error}`);
    await finish('stopping the nodes that started', { signal: 'SIGTERM', failed: true });
    return;
  }
  up = true;
  for (const node of started) console.log(`${node.id}: ${node.url}`);
  console.log(`TrackOps: ${started.length} nodes share the actors. Ctrl-C stops them all.`);
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(
      `the API port is already in use: is TrackOps already running? (set PORT to use another) — ${String(error)}`,
    );
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(error instanceof UsageError ? 2 : 1);
});
