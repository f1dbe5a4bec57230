import type { ProcessGroup } from './processes.ts';
import type { SagaRunResult } from './sagaRun.ts';
import { median } from './stats.ts';

/**
 * The reported row of one (C, decline mix): the median over its runs of every number, except the counts that must
 * be zero (errors, wrong outcomes, stock problems), which are summed so that no failed run hides behind a median.
 */
export interface SagaRow {
  readonly concurrency: number;
  readonly declinePercent: number;
  readonly runs: number;
  readonly sagasPerSecond: number;
  readonly completedP50: number;
  readonly completedP95: number;
  readonly completedP99: number;
  readonly completedMax: number;
  readonly createP50: number;
  readonly createP99: number;
  readonly errors: number;
  readonly wrongOutcomes: number;
  readonly stockProblems: number;
  readonly cores: Record<ProcessGroup, number> & { other: number; machine: number };
  readonly rssMaxMb: number;
  readonly heapEndMinusStartMb: number;
}

export function aggregateRuns(results: readonly SagaRunResult[]): SagaRow[] {
  const groups = new Map<string, SagaRunResult[]>();
  for (const result of results) {
    const key = `${result.concurrency}/${result.declinePercent}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((runs) => {
    const first = runs[0] as SagaRunResult;
    const of = (pick: (run: SagaRunResult) => number) => median(runs.map(pick));
    const cores = (group: ProcessGroup) => of((run) => run.cpu.cores[group]);
    return {
      concurrency: first.concurrency,
      declinePercent: first.declinePercent,
      runs: runs.length,
      sagasPerSecond: of((run) => run.sagasPerSecond),
      completedP50: of((run) => run.createToCompletedMs.p50),
      completedP95: of((run) => run.createToCompletedMs.p95),
      completedP99: of((run) => run.createToCompletedMs.p99),
      completedMax: of((run) => run.createToCompletedMs.max),
      createP50: of((run) => run.createMs.p50),
      createP99: of((run) => run.createMs.p99),
      errors: runs.reduce((sum, run) => sum + run.errors, 0),
      wrongOutcomes: runs.reduce((sum, run) => sum + run.wrongOutcomes, 0),
      stockProblems: runs.reduce((sum, run) => sum + run.stockProblems.length, 0),
      cores: {
        runtime: cores('runtime'),
        kafka: cores('kafka'),
        postgres: cores('postgres'),
        redis: cores('redis'),
        nats: cores('nats'),
        loadgen: cores('loadgen'),
        other: of((run) => run.cpu.otherCores),
        machine: of((run) => run.cpu.machineBusyCores),
      },
      rssMaxMb: Math.max(...runs.flatMap((run) => run.memory.map((node) => node.rssMaxMb))),
      heapEndMinusStartMb: of((run) =>
        run.memory.reduce((sum, node) => sum + (node.heapEndMb - node.heapStartMb), 0),
      ),
    };
  });
}
