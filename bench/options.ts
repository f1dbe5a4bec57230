import { Command, InvalidArgumentError, Option } from 'commander';
import { MICRO_BENCHMARKS } from './micro/microBenchmarks.ts';
import type { WaitMethod } from './orderWaiter.ts';
import { declineInterval, WORKLOAD } from './workload.ts';

/** The options of `npm run bench`, parsed and checked before anything runs. */
export interface BenchOptions {
  readonly url: string;
  /** TRACKOPS_API_KEY, else the key `npm start` keeps in .trackops/admin.key (read once the system is up). */
  readonly apiKey: string | undefined;
  readonly orders: number;
  readonly warmup: number;
  readonly concurrency: number[];
  readonly declines: number[];
  readonly runs: number;
  readonly wait: WaitMethod;
  readonly pollMs: number;
  /** Parts to run: `sagas` and the micro-benchmarks' names. */
  readonly parts: string[];
  readonly jsonOnly: boolean;
  /** Print the tables of this results file and run nothing. */
  readonly report: string | undefined;
}

export const SAGAS = 'sagas';
export const PART_NAMES = [SAGAS, ...MICRO_BENCHMARKS.map((micro) => micro.name)];

function positiveInteger(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError('a whole number ≥ 0');
  return value;
}

function integerList(raw: string): number[] {
  return raw.split(',').map((part) => positiveInteger(part.trim()));
}

function declineList(raw: string): number[] {
  const percents = integerList(raw);
  for (const percent of percents) {
    try {
      declineInterval(percent);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }
  return percents;
}

function partList(raw: string): string[] {
  const parts = raw.split(',').map((part) => part.trim());
  const unknown = parts.filter((part) => !PART_NAMES.includes(part));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown part ${unknown.join(', ')}; one of ${PART_NAMES.join(', ')}`);
  }
  return parts;
}

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'The saga workload of issue 6 and the micro-benchmarks, against the system at --url (started, then stopped, when it does not answer).',
    )
    .option('--url <url>', 'the TrackOps API', process.env['TRACKOPS_URL'] ?? 'http://127.0.0.1:3000')
    .addOption(
      new Option('--api-key <key>', 'API key (default: .trackops/admin.key, which npm start writes)').env(
        'TRACKOPS_API_KEY',
      ),
    )
    .option('--orders <n>', 'measured orders per run', positiveInteger, WORKLOAD.defaultOrders)
    .option('--warmup <n>', 'warm-up orders per run, not counted', positiveInteger, WORKLOAD.defaultWarmup)
    .option('--concurrency <list>', 'concurrent clients, comma-separated', integerList, [
      ...WORKLOAD.defaultConcurrency,
    ])
    .option('--declines <list>', 'decline mixes in percent, comma-separated', declineList, [
      ...WORKLOAD.defaultDeclinePercents,
    ])
    .option(
      '--runs <n>',
      'runs of each (C, declines); the median is reported',
      positiveInteger,
      WORKLOAD.defaultRuns,
    )
    .addOption(
      new Option(
        '--wait <method>',
        'how a client awaits its order: orders.track (SSE), orders.awaitStatus (long poll) or polling orders.get',
      )
        .choices(['track', 'await', 'poll'])
        .default('await'),
    )
    .option('--poll-ms <ms>', 'polling interval with --wait poll', positiveInteger, 10)
    .option('--micro', 'run the micro-benchmarks only')
    .option('--only <parts>', `run only these parts, comma-separated: ${PART_NAMES.join(', ')}`, partList)
    .option('--json-only', 'print only the JSON results on stdout (progress still goes to stderr)')
    .option('--report <file>', 'print the tables of a results file (bench/results/*.json) and run nothing');
}

export function readOptions(command: Command): BenchOptions {
  const raw = command.opts<{
    url: string;
    apiKey?: string;
    orders: number;
    warmup: number;
    concurrency: number[];
    declines: number[];
    runs: number;
    wait: WaitMethod;
    pollMs: number;
    micro?: boolean;
    only?: string[];
    jsonOnly?: boolean;
    report?: string;
  }>();
  const parts = raw.only ?? (raw.micro ? PART_NAMES.filter((part) => part !== SAGAS) : PART_NAMES);
  if (raw.concurrency.some((value) => value < 1)) throw new InvalidArgumentError('concurrency must be ≥ 1');
  return {
    url: raw.url.replace(/\/$/, ''),
    apiKey: raw.apiKey,
    orders: raw.orders,
    warmup: raw.warmup,
    concurrency: raw.concurrency,
    declines: raw.declines,
    runs: Math.max(1, raw.runs),
    wait: raw.wait,
    pollMs: Math.max(1, raw.pollMs),
    parts,
    jsonOnly: raw.jsonOnly === true,
    report: raw.report,
  };
}
