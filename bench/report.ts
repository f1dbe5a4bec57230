import Table from 'cli-table3';
import type { SagaRow } from './aggregate.ts';
import type { MicroResult } from './micro/microResult.ts';
import type { SagaAnatomy } from './sagaAnatomy.ts';

/** The tables `npm run bench` prints: the saga workload (one row per C and decline mix) and the micro-benchmarks. */
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

export function sagaTable(rows: readonly SagaRow[], wait: string): string {
  const table = new Table({
    head: [
      'C',
      'declines',
      'runs',
      'sagas/s',
      'done p50',
      'p95',
      'p99',
      'max',
      'create p50',
      'p99',
      'errors',
      'wrong',
      'stock',
      'cores: runtime',
      'kafka',
      'pg',
      'redis',
      'nats',
      'loadgen',
      'other',
      'RSS max MB',
    ],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push([
      row.concurrency,
      `${row.declinePercent}%`,
      row.runs,
      fixed(row.sagasPerSecond, 1),
      fixed(row.completedP50),
      fixed(row.completedP95),
      fixed(row.completedP99),
      fixed(row.completedMax),
      fixed(row.createP50, 1),
      fixed(row.createP99, 1),
      row.errors,
      row.wrongOutcomes,
      row.stockProblems,
      fixed(row.cores.runtime, 2),
      fixed(row.cores.kafka, 2),
      fixed(row.cores.postgres, 2),
      fixed(row.cores.redis, 2),
      fixed(row.cores.nats, 2),
      fixed(row.cores.loadgen, 2),
      fixed(row.cores.other, 2),
      fixed(row.rssMaxMb),
    ]);
  }
  return `Saga workload (latencies in ms, median of runs; completion awaited with ${wait})\n${table.toString()}`;
}

export function microTable(results: readonly MicroResult[]): string {
  const table = new Table({
    head: ['micro-benchmark', 'case', 'n', 'rate/s', 'p50 ms', 'p99 ms', 'note'],
    style: { head: [], border: [] },
  });
  for (const result of results) {
    for (const line of result.lines) {
      table.push([
        result.name,
        line.label,
        line.count,
        fixed(line.ratePerSecond ?? Number.NaN, 1),
        fixed(line.p50Ms ?? Number.NaN, 2),
        fixed(line.p99Ms ?? Number.NaN, 2),
        line.note ?? '',
      ]);
    }
  }
  return `Micro-benchmarks\n${table.toString()}`;
}

export function anatomyTable(title: string, anatomy: SagaAnatomy): string {
  const table = new Table({
    head: ['step (actor <- message)', 'sagas', 'wait p50 ms', 'turn p50 ms'],
    style: { head: [], border: [] },
  });
  for (const step of anatomy.steps) {
    table.push([step.step, step.sagas, fixed(step.waitP50Ms, 1), fixed(step.turnP50Ms, 1)]);
  }
  const split = `per saga (median of ${anatomy.sampled}): ${fixed(anatomy.totalP50Ms)} ms = turns ${fixed(anatomy.turnsP50Ms)} ms + waits between turns ${fixed(anatomy.waitsP50Ms)} ms`;
  return `Saga anatomy, ${title}: ${split}\n${table.toString()}`;
}
