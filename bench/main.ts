import { readFile } from 'node:fs/promises';
import { createTrackOpsClient } from '../api/client.ts';
import { readAdminKeyFile } from '../cli/adminKeyFile.ts';
import { kafkaBrokers, loadConfig } from '../config.ts';
import { aggregateRuns } from './aggregate.ts';
import { describeMachine } from './machine.ts';
import { MICRO_BENCHMARKS } from './micro/microBenchmarks.ts';
import type { MicroResult } from './micro/microResult.ts';
import { type BenchOptions, benchCommand, readOptions, SAGAS } from './options.ts';
import { WAIT_METHOD_LABELS } from './orderWaiter.ts';
import { createProgress } from './progress.ts';
import { anatomyTable, microTable, sagaTable } from './report.ts';
import { RESULTS_DIR, writeResults } from './results.ts';
import { runSagaWorkload, type SagaRunResult } from './sagaRun.ts';
import { ensureSystem } from './system.ts';
import { parseAmountToCents } from './workload.ts';

/**
 * `npm run bench`: the saga workload of issue 6 for every (C, decline mix) and run, then the micro-benchmarks;
 * prints the tables and writes every raw number to bench/results/<timestamp>.json, rewritten after each part so
 * an interrupted bench keeps what it measured (`--report <file>` prints the tables of such a file). See README.md.
 */
interface BenchResults {
  readonly startedAt: string;
  finishedAt?: string;
  readonly options: BenchOptions;
  readonly machine: Awaited<ReturnType<typeof describeMachine>>;
  readonly system: { url: string; startedByBench: boolean; declineAbove: string };
  readonly sagas: { runs: SagaRunResult[] };
  readonly micro: MicroResult[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const command = benchCommand();
  command.parse(process.argv);
  const options = readOptions(command);
  if (options.report) {
    printTables(JSON.parse(await readFile(options.report, 'utf8')) as BenchResults, options.report);
    return;
  }
  const config = loadConfig();
  const progress = createProgress(false);
  const startedAt = new Date();
  const kafkaPort = Number(kafkaBrokers(config)[0]?.split(':')[1] ?? 9092);
  const declineAboveCents = parseAmountToCents(config.PAYMENT_DECLINE_ABOVE);

  const system = await ensureSystem(options.url, { logDir: RESULTS_DIR, log });
  // Read after the start: a system the bench started has just written .trackops/admin.key.
  const apiKey = options.apiKey ?? readAdminKeyFile();
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    // The key never goes into a results file.
    options: { ...options, apiKey: undefined },
    machine: await describeMachine(config.DATABASE_URL),
    system: {
      url: options.url,
      startedByBench: system.startedByBench,
      declineAbove: config.PAYMENT_DECLINE_ABOVE,
    },
    sagas: { runs: [] },
    micro: [],
  };
  if (results.machine.postgresSettings.includes('autovacuum=off'))
    log(
      'warning: PostgreSQL autovacuum is off: dead rows pile up run after run (npm run infra:up turns it on)',
    );
  const save = () =>
    writeResults(
      { ...results, sagas: { ...results.sagas, rows: aggregateRuns(results.sagas.runs) } },
      startedAt,
    );
  try {
    if (options.parts.includes(SAGAS)) {
      for (const concurrency of options.concurrency) {
        for (const declinePercent of options.declines) {
          for (let run = 1; run <= options.runs; run += 1) {
            const result = await runSagaWorkload({
              url: options.url,
              apiKey,
              kafkaPort,
              namespace: config.TRACKOPS_NAMESPACE,
              concurrency,
              declinePercent,
              declineAboveCents,
              orders: options.orders,
              warmup: options.warmup,
              run,
              wait: options.wait,
              pollMs: options.pollMs,
              orderTimeoutMs: 60_000,
              progress,
            });
            results.sagas.runs.push(result);
            reportFailures(result);
            await save();
          }
        }
      }
    }
    const context = {
      url: options.url,
      apiKey,
      client: createTrackOpsClient(options.url, apiKey === undefined ? {} : { apiKey }),
      config,
      kafkaPort,
      declineAboveCents,
      progress,
      log,
    };
    for (const benchmark of MICRO_BENCHMARKS.filter((candidate) => options.parts.includes(candidate.name))) {
      try {
        results.micro.push(await benchmark.run(context));
      } catch (error) {
        log(`micro-benchmark ${benchmark.name} failed: ${error instanceof Error ? error.stack : error}`);
        results.micro.push({
          name: benchmark.name,
          lines: [{ label: 'failed', count: 0, note: String(error) }],
        });
      }
      await save();
    }
  } finally {
    await system.stop();
  }

  results.finishedAt = new Date().toISOString();
  const file = await save();
  if (options.jsonOnly) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    printTables(results, file);
  }
  const rows = aggregateRuns(results.sagas.runs);
  const failures = rows.reduce((sum, row) => sum + row.errors + row.wrongOutcomes + row.stockProblems, 0);
  process.exitCode = failures > 0 ? 1 : 0;
}

function reportFailures(result: SagaRunResult): void {
  if (result.errors + result.wrongOutcomes + result.stockProblems.length === 0) return;
  log(
    `!!! C=${result.concurrency} declines=${result.declinePercent}% run ${result.run}: ${result.errors} errors, ${result.wrongOutcomes} wrong outcomes, ${result.stockProblems.length} stock problems`,
  );
  for (const line of [...result.errorSamples, ...result.wrongOutcomeSamples, ...result.stockProblems]) {
    log(`    ${line}`);
  }
}

function printTables(results: BenchResults, file: string): void {
  const { runs } = results.sagas;
  const rows = aggregateRuns(runs);
  if (rows.length > 0) {
    console.log(sagaTable(rows, WAIT_METHOD_LABELS[results.options.wait]));
  }
  // Files from before the anatomy was split by outcome have none to print.
  for (const run of runs.filter((candidate) => candidate.run === 1 && candidate.anatomy?.confirmed)) {
    const title = `C=${run.concurrency} declines=${run.declinePercent}% run 1`;
    console.log(anatomyTable(`${title}, CONFIRMED orders`, run.anatomy.confirmed));
    if (run.anatomy.cancelled.sampled > 0) {
      console.log(anatomyTable(`${title}, declined (CANCELLED) orders`, run.anatomy.cancelled));
    }
  }
  if (results.micro.length > 0) console.log(microTable(results.micro));
  console.log(`raw results: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
