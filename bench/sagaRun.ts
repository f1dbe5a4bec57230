import { randomUUID } from 'node:crypto';
import { createTrackOpsClient, type TrackOpsClient } from '../api/client.ts';
import { runClosedLoop } from './closedLoop.ts';
import { checkStock, type SettledOrder } from './consistency.ts';
import { type CpuReport, startCpuSampling } from './cpuSampler.ts';
import { type MemorySummary, startMemorySampling, summarizeMemory } from './memorySampler.ts';
import { nodeUrl, scrapeNodes } from './metricsScrape.ts';
import { type FinalStatus, type WaitMethod, waitForFinalStatus } from './orderWaiter.ts';
import { discoverProcesses } from './processes.ts';
import type { Progress } from './progress.ts';
import { anatomyOf, type SagaAnatomy, traceOrders } from './sagaAnatomy.ts';
import { type StageReport, stagesBetween } from './stages.ts';
import { type LatencySummary, summarize } from './stats.ts';
import { type PlannedOrder, planOrders, skuNames, WORKLOAD } from './workload.ts';

/**
 * One run of the saga workload at one concurrency and decline mix: fresh SKUs, a warm-up that is not counted,
 * then N orders in a closed loop of C clients, each creating an order with the typed client and waiting until it
 * is CONFIRMED or CANCELLED. CPU, memory and the runtime's metrics are taken over the measured part only; the
 * outcomes and the stock are checked at the end.
 */
export interface SagaRunSettings {
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly kafkaPort: number;
  /** TRACKOPS_NAMESPACE of the system under test, to tell its nodes from other deployments' (processes.ts). */
  readonly namespace: string;
  readonly concurrency: number;
  readonly declinePercent: number;
  readonly declineAboveCents: number;
  readonly orders: number;
  readonly warmup: number;
  readonly run: number;
  readonly wait: WaitMethod;
  readonly pollMs: number;
  readonly orderTimeoutMs: number;
  readonly progress: Progress;
}

export interface SagaRunResult {
  readonly concurrency: number;
  readonly declinePercent: number;
  readonly run: number;
  readonly wait: WaitMethod;
  readonly skuPrefix: string;
  readonly orders: number;
  readonly completed: number;
  readonly wallSeconds: number;
  readonly sagasPerSecond: number;
  readonly createToCompletedMs: LatencySummary;
  readonly createMs: LatencySummary;
  readonly errors: number;
  readonly errorSamples: string[];
  readonly wrongOutcomes: number;
  readonly wrongOutcomeSamples: string[];
  readonly stockProblems: string[];
  readonly cpu: CpuReport;
  readonly memory: MemorySummary[];
  readonly stages: StageReport;
  /** Sampled sagas split into turns and waits, separately for confirmed and for declined (compensated) orders. */
  readonly anatomy: { readonly confirmed: SagaAnatomy; readonly cancelled: SagaAnatomy };
}

interface OrderRecord {
  readonly orderId: string;
  readonly planned: PlannedOrder;
  createMs?: number;
  completedMs?: number;
  status?: FinalStatus;
  error?: string;
}

const SHIPPING_ADDRESS = {
  street: '1 Bench St',
  city: 'Springfield',
  state: 'IL',
  zipCode: '62701',
  country: 'US',
};

export async function createSkus(client: TrackOpsClient, skus: readonly string[]): Promise<void> {
  await runClosedLoop(skus.length, 16, async (index) => {
    const sku = skus[index] as string;
    await client.inventory.items.create.mutate({
      sku,
      name: `bench item ${sku}`,
      quantity: WORKLOAD.initialStock,
      lowStockThreshold: 0,
    });
  });
}

/** One order from create to its final status; errors are recorded on the order, never thrown. */
async function placeAndAwait(client: TrackOpsClient, record: OrderRecord, settings: SagaRunSettings) {
  const startedAt = performance.now();
  try {
    await client.orders.create.mutate({
      orderId: record.orderId,
      customerId: randomUUID(),
      items: record.planned.items.map((item) => ({ ...item })),
      shippingAddress: SHIPPING_ADDRESS,
    });
    record.createMs = performance.now() - startedAt;
    record.status = await waitForFinalStatus(client, record.orderId, {
      method: settings.wait,
      timeoutMs: settings.orderTimeoutMs,
      pollMs: settings.pollMs,
    });
    record.completedMs = performance.now() - startedAt;
  } catch (error) {
    record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

async function runOrders(
  clients: readonly TrackOpsClient[],
  records: readonly OrderRecord[],
  settings: SagaRunSettings,
  label: string,
): Promise<number> {
  settings.progress.start(label, records.length);
  const startedAt = performance.now();
  await runClosedLoop(records.length, settings.concurrency, async (index, client) => {
    await placeAndAwait(clients[client] as TrackOpsClient, records[index] as OrderRecord, settings);
    settings.progress.increment();
  });
  const wallSeconds = (performance.now() - startedAt) / 1000;
  settings.progress.stop(`${(records.length / wallSeconds).toFixed(1)} sagas/s`);
  return wallSeconds;
}

/** Sagas whose journal is read to split their time into turns and waits (sagaAnatomy.ts). */
const ANATOMY_SAMPLE = 30;

function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, index) => items[Math.floor((index * items.length) / count)] as T);
}

const recordsOf = (planned: readonly PlannedOrder[]): OrderRecord[] =>
  planned.map((order) => ({ orderId: randomUUID(), planned: order }));

export async function runSagaWorkload(settings: SagaRunSettings): Promise<SagaRunResult> {
  const connect = () =>
    createTrackOpsClient(settings.url, settings.apiKey === undefined ? {} : { apiKey: settings.apiKey });
  const admin = connect();
  const skuPrefix = `bench-${Date.now().toString(36)}-${settings.run}`;
  const skus = skuNames(skuPrefix);
  await createSkus(admin, skus);
  const workload = (count: number, seed: number) =>
    planOrders(count, {
      skus,
      declinePercent: settings.declinePercent,
      declineAboveCents: settings.declineAboveCents,
      seed,
    });
  const warmup = recordsOf(workload(settings.warmup, settings.run * 7919 + 1));
  const measured = recordsOf(workload(settings.orders, settings.run * 7919 + 2));
  // One typed client per simulated customer, as separate programs would have.
  const clients = Array.from({ length: settings.concurrency }, connect);
  const label = `C=${settings.concurrency} declines=${settings.declinePercent}% run ${settings.run}`;

  if (warmup.length > 0) await runOrders(clients, warmup, settings, `${label} warm-up`);

  const apiPort = Number(new URL(settings.url).port || 80);
  const target = { apiPort, kafkaPort: settings.kafkaPort, namespace: settings.namespace };
  const discovered = await discoverProcesses(target);
  const nodeUrls = [...new Set(discovered.runtimePorts.values())].map((port) => nodeUrl(settings.url, port));
  const metricUrls = nodeUrls.length > 0 ? nodeUrls : [settings.url];
  const before = await scrapeNodes(metricUrls);
  const cpu = await startCpuSampling(target);
  const memory = startMemorySampling(metricUrls);
  const wallSeconds = await runOrders(clients, measured, settings, label);
  const cpuReport = await cpu.stop();
  const memoryReport = await memory.stop();
  const after = await scrapeNodes(metricUrls);

  const all = [...warmup, ...measured];
  const settled = await settleUnknown(admin, all);
  const stock = await checkStock(admin, skus, settled, {
    initialStock: WORKLOAD.initialStock,
    settleMs: 30_000,
  });
  const done = measured.filter((record) => record.status !== undefined);
  const anatomyOfOutcome = async (status: FinalStatus) => {
    const sample = evenlySpaced(
      done.filter((record) => record.status === status),
      ANATOMY_SAMPLE,
    );
    return anatomyOf(
      await traceOrders(
        admin,
        sample.map((record) => record.orderId),
      ),
    );
  };
  const anatomy = {
    confirmed: await anatomyOfOutcome('CONFIRMED'),
    cancelled: await anatomyOfOutcome('CANCELLED'),
  };
  const wrong = all.filter(
    (record) => record.status !== undefined && record.status !== record.planned.expected,
  );
  const failed = measured.filter((record) => record.error !== undefined);
  return {
    concurrency: settings.concurrency,
    declinePercent: settings.declinePercent,
    run: settings.run,
    wait: settings.wait,
    skuPrefix,
    orders: measured.length,
    completed: done.length,
    wallSeconds,
    sagasPerSecond: done.length / wallSeconds,
    createToCompletedMs: summarize(done.map((record) => record.completedMs as number)),
    createMs: summarize(
      measured.flatMap((record) => (record.createMs === undefined ? [] : [record.createMs])),
    ),
    errors: failed.length,
    errorSamples: failed.slice(0, 5).map((record) => `${record.orderId}: ${record.error}`),
    wrongOutcomes: wrong.length,
    wrongOutcomeSamples: wrong
      .slice(0, 5)
      .map((record) => `${record.orderId}: ${record.status}, expected ${record.planned.expected}`),
    stockProblems: stock.problems.slice(0, 20),
    cpu: cpuReport,
    memory: memoryReport.map(summarizeMemory),
    stages: stagesBetween(before, after),
    anatomy,
  };
}

/**
 * The orders whose outcome the client did not see (a failed create, a wait that timed out) are read back, so the
 * stock check expects what really happened to them.
 */
async function settleUnknown(
  client: TrackOpsClient,
  records: readonly OrderRecord[],
): Promise<SettledOrder[]> {
  return Promise.all(
    records.map(async (record) => {
      let status = record.status;
      if (status === undefined) {
        const order = await client.orders.get.query({ id: record.orderId }).catch(() => undefined);
        if (order?.status === 'CONFIRMED' || order?.status === 'CANCELLED') status = order.status;
      }
      return {
        orderId: record.orderId,
        skus: record.planned.items.map((item) => item.sku),
        quantity: WORKLOAD.quantityPerItem,
        status,
      };
    }),
  );
}
