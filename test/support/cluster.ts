import type { ChildProcess } from 'node:child_process';
import { Kvm } from '@nats-io/kv';
import { TRPCClientError } from '@trpc/client';
import pRetry, { AbortError } from 'p-retry';
import { expect, onTestFinished } from 'vitest';
import type { BootstrapOptions } from '../../main.ts';
import { startChildRuntime } from './childProcess.ts';
import { orderFor, stockedSku } from './sagaFixtures.ts';
import { query } from './sql.ts';
import { startTestSystem, type TestSystem } from './testSystem.ts';
import { waitFor } from './waitFor.ts';

/**
 * A cluster of TrackOps nodes, each in its own process, plus an in-process API client that hosts nothing; and the
 * invariants every cluster test checks once its orders settled.
 */
export interface TestCluster {
  readonly api: TestSystem;
  readonly nodes: Map<string, ChildProcess>;
  /** Node id -> the node's own API URL (its /metrics). */
  readonly urls: Map<string, string>;
  startNode(nodeId: string, env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the nodes and the API client inside a test; the cluster stops when that test finishes (after `cleanup`,
 * which still has the API's database and connections).
 */
export async function startCluster(
  nodeIds: string[],
  options: {
    env?: Record<string, string>;
    bootstrap?: BootstrapOptions;
    cleanup?: (api: TestSystem) => Promise<void>;
  } = {},
): Promise<TestCluster> {
  const { env = {}, bootstrap } = options;
  const nodes = new Map<string, ChildProcess>();
  const urls = new Map<string, string>();
  const startNode = async (nodeId: string, extra: Record<string, string> = {}) => {
    const { child, url } = await startChildRuntime({
      env: { ...env, ...extra, NODE_ID: nodeId },
      ...(bootstrap ? { bootstrap } : {}),
    });
    nodes.set(nodeId, child);
    urls.set(nodeId, url);
  };
  await Promise.all(nodeIds.map((nodeId) => startNode(nodeId)));
  const api = await startTestSystem({ actors: false, router: false, relay: false, timers: false, env });
  let stopping: Promise<void> | undefined;
  const cluster: TestCluster = {
    api,
    nodes,
    urls,
    startNode,
    stop() {
      stopping ??= (async () => {
        try {
          await options.cleanup?.(api);
        } finally {
          for (const child of nodes.values()) child.kill('SIGKILL');
          await api.stop();
        }
      })();
      return stopping;
    },
  };
  onTestFinished(() => cluster.stop());
  return cluster;
}

/**
 * Creates `count` two-SKU orders over `skus`, all at once; returns their ids. Like a well-behaved client, it
 * retries a create that timed out or found no node (a shard is moving) with the same order id: the create is
 * idempotent, so a retry never makes a second order.
 */
export async function placeOrders(api: TestSystem, skus: string[], count: number): Promise<string[]> {
  const line = (index: number) => ({ sku: skus[index % skus.length] ?? '', quantity: 1 });
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const input = orderFor([line(index), line(index + 1)], { orderId: crypto.randomUUID() });
      return pRetry(
        async () => {
          try {
            return (await api.client.orders.create.mutate(input)).id;
          } catch (error) {
            const code =
              error instanceof TRPCClientError
                ? (error.data as { code?: string } | undefined)?.code
                : undefined;
            throw code === 'TIMEOUT' || code === 'SERVICE_UNAVAILABLE'
              ? error
              : new AbortError(error as Error);
          }
        },
        { retries: 7, minTimeout: 250, factor: 1.5 },
      );
    }),
  );
}

/** Nodes that only host actors: no router, relay or timers (tests that drive actors directly over NATS). */
export const ACTORS_ONLY = { router: false, relay: false, timers: false } as const satisfies BootstrapOptions;

/** Resource (`shard-<n>`, `relay`) -> the node holding its lease now, read from the leases bucket. */
export async function leaseHolders(api: TestSystem): Promise<Map<string, string>> {
  const bucket = await new Kvm(api.trackops.nats).open(`${api.config.TRACKOPS_NAMESPACE}_leases`);
  const holders = new Map<string, string>();
  for await (const key of await bucket.keys()) {
    const holder = (await bucket.get(key))?.string();
    if (holder) holders.set(key, holder);
  }
  return holders;
}

/** Waits until every shard has a holder and each of `nodeIds` holds at least one. */
export function waitForShardsSplit(api: TestSystem, nodeIds: string[]): Promise<Map<string, string>> {
  return waitFor(
    async () => {
      const holders = await leaseHolders(api);
      const shardHolders = [...holders].filter(([key]) => key.startsWith('shard-')).map(([, node]) => node);
      const split =
        shardHolders.length === api.config.SHARDS && nodeIds.every((id) => shardHolders.includes(id));
      return split && holders;
    },
    { what: `shards split over ${nodeIds.join(', ')}` },
  );
}

export const stockSkus = (api: TestSystem, count: number, quantity: number) =>
  Promise.all(Array.from({ length: count }, () => stockedSku(api.client, quantity, 'CLU')));

/**
 * Waits until every order and its saga settled, then checks: effects exist exactly as each outcome requires, stock is
 * conserved, and no actor was written twice or skipped a version (version = number of messages applied).
 */
export async function expectSettledConsistently(
  api: TestSystem,
  run: { ids: string[]; skus: string[]; stockPerSku: number; timeoutMs?: number },
): Promise<void> {
  const { ids, skus } = run;
  const { orm } = api.trackops;
  await waitFor(
    async () => {
      // An order turns CANCELLED before its saga has released its stock: the saga's own end is what settles it.
      const [settled] = await query<{ orders: number; sagas: number }>(
        orm,
        `select (select count(*)::int from orders where id in (?) and status in ('CONFIRMED', 'CANCELLED')) as orders,
                (select count(*)::int from saga_instances where order_id in (?) and saga_type = 'orderSaga'
                   and state in ('confirmed', 'cancelled')) as sagas`,
        [ids, ids],
      );
      return settled?.orders === ids.length && settled.sagas === ids.length;
    },
    {
      what: `all ${ids.length} orders and their sagas settled`,
      timeoutMs: run.timeoutMs ?? 240_000,
      intervalMs: 1000,
    },
  );
  const orders = await query<{ id: string; status: string; cancellation_reason: string | null }>(
    orm,
    'select id, status, cancellation_reason from orders where id in (?)',
    [ids],
  );
  const confirmed = orders.filter((order) => order.status === 'CONFIRMED').map((order) => order.id);
  for (const order of orders.filter((row) => row.status === 'CANCELLED'))
    expect(order.cancellation_reason).toBeTruthy();

  const held = await query<{ order_id: string; n: number }>(
    orm,
    "select order_id, count(*)::int as n from inventory_reservations where order_id in (?) and status = 'held' group by order_id",
    [ids],
  );
  expect(new Map(held.map((row) => [row.order_id, row.n]))).toEqual(new Map(confirmed.map((id) => [id, 2])));
  const charges = await query<{ n: number }>(
    orm,
    "select count(*)::int as n from outbox_events where aggregateid in (?) and type = 'payment.processed' group by aggregateid",
    [ids],
  );
  for (const row of charges) expect(row.n).toBe(1);
  const charged = await query<{ order_id: string }>(
    orm,
    "select order_id from payments where order_id in (?) and status = 'CHARGED'",
    [ids],
  );
  expect(new Set(charged.map((row) => row.order_id))).toEqual(new Set(confirmed));

  for (const sku of skus) {
    const item = await api.client.inventory.items.get.query({ sku });
    expect(item.available + item.reserved).toBe(run.stockPerSku);
    expect(item.available).toBeGreaterThanOrEqual(0);
  }

  const gaps = await query<{ actor_type: string; actor_id: string }>(
    orm,
    `select s.actor_type, s.actor_id from actor_state s
      where (s.actor_id in (?) or s.actor_id in (?))
        and s.version <> (select count(*) from processed_messages p where p.actor_type = s.actor_type and p.actor_id = s.actor_id)`,
    [ids, skus],
  );
  expect(gaps).toEqual([]);
}
