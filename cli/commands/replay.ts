import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { TrackOpsClient } from '../../api/client.ts';
import type { ReplayCounts, ReplaySummary } from '../../bridge/kafka/replay.ts';
import { parseReplayPosition, type ReplayPosition } from '../../bridge/kafka/replayRange.ts';
import { connect } from '../connection.ts';
import { EXIT } from '../exitCodes.ts';

/**
 * `trackops replay`: re-drives a range of Kafka records through the event router of the node behind `--url`
 * (`replay.run`, streamed over SSE). A progress bar on stderr when it is a terminal, otherwise a progress line every
 * few seconds; then the summary, as a table or as JSON (`--json`). A position that is neither an ISO time nor a
 * non-negative offset exits with the bad-input code before anything is sent; a replay that parked records on a
 * DLQ exits with the incomplete code.
 */
export type ReplayInput = Parameters<TrackOpsClient['replay']['run']['subscribe']>[0];

interface ReplayOptions {
  topic: string[];
  from: string;
  to?: string;
  key?: string;
  dryRun?: boolean;
  rate?: number;
  rebuildReadModels?: boolean;
  json?: boolean;
}

/** Without a terminal, one progress line this often. */
const PROGRESS_LINE_MS = 2000;

export function registerReplayCommand(program: Command, write: (text: string) => void): void {
  program
    .command('replay')
    .description('re-drive Kafka records through the event router; already-applied records change nothing')
    .requiredOption(
      '--topic <topics>',
      'base topic name(s), comma-separated (e.g. order.created)',
      splitTopics,
    )
    .requiredOption('--from <time|offset>', 'ISO 8601 time, or an offset on every partition (inclusive)')
    .option(
      '--to <time|offset>',
      'ISO 8601 time or offset (exclusive); default: the end when the replay starts',
    )
    .option('--key <id>', 'only the records with this key (an order id, a SKU)')
    .option('--dry-run', 'read and classify only: deliver nothing, write nothing')
    .addOption(new Option('--rate <msgs/s>', 'at most this many records per second').argParser(parseRate))
    .option(
      '--rebuild-read-models',
      'then rebuild the read models of every order in the range from its actors',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (options: ReplayOptions) => {
      const from = parseReplayPosition(options.from);
      const to = options.to === undefined ? undefined : parseReplayPosition(options.to);
      if (!from || (options.to !== undefined && !to)) {
        const bad = from ? options.to : options.from;
        process.stderr.write(`trackops: ${bad} is neither an ISO 8601 time nor a non-negative offset\n`);
        process.exitCode = EXIT.badInput;
        return;
      }
      const input: ReplayInput = {
        topics: options.topic,
        from: positionText(from),
        ...(to ? { to: positionText(to) } : {}),
        ...(options.key === undefined ? {} : { key: options.key }),
        dryRun: options.dryRun === true,
        ...(options.rate === undefined ? {} : { rate: options.rate }),
        rebuildReadModels: options.rebuildReadModels === true,
      };
      const progress = createProgressReport(process.stderr, options.dryRun === true);
      let summary: ReplaySummary;
      try {
        summary = await runReplay(connect(program), input, progress.update);
      } finally {
        progress.stop();
      }
      write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
      if (!summary.dryRun && summary.failed > 0) process.exitCode = EXIT.incomplete;
    });
}

/**
 * Runs `replay.run` to its end: progress to `onProgress`, the summary as the result, an API error as a rejection.
 * A lost connection also rejects (the server stops a replay whose client went away), rather than letting the
 * subscription reconnect and start the replay over.
 */
export function runReplay(
  client: TrackOpsClient,
  input: ReplayInput,
  onProgress?: (counts: ReplayCounts) => void,
): Promise<ReplaySummary> {
  return new Promise((resolve, reject) => {
    let started = false;
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      settle();
      subscription.unsubscribe();
    };
    const subscription = client.replay.run.subscribe(input, {
      onStarted: () => {
        started = true;
      },
      onData: (event) => {
        if (event.kind === 'progress') onProgress?.(event);
        else finish(() => resolve(event.summary));
      },
      onError: (error) => finish(() => reject(error)),
      onConnectionStateChange: (state) => {
        if (state.state !== 'connecting' || !started) return;
        const reason = state.error ? `: ${state.error.message}` : '';
        finish(() => reject(new Error(`lost the connection to TrackOps during the replay${reason}`)));
      },
      onComplete: () => finish(() => reject(new Error('the replay ended without a summary'))),
    });
  });
}

function createProgressReport(stream: NodeJS.WriteStream, dryRun: boolean) {
  const [apply, fail] = dryRun ? ['would apply', 'would fail'] : ['applied', 'failed'];
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `replay [{bar}] {percentage}% {value}/{total} | ${apply} {applied} | already {alreadyApplied} | skipped {skipped} | ${fail} {failed}`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update(counts: ReplayCounts) {
        if (!begun) bar.start(counts.total, 0, payloadOf(counts));
        begun = true;
        bar.setTotal(counts.total);
        bar.update(counts.read, payloadOf(counts));
      },
      stop: () => begun && bar.stop(),
    };
  }
  let lastLine = 0;
  let last: ReplayCounts | undefined;
  const line = (counts: ReplayCounts) =>
    stream.write(
      `replay: ${counts.read}/${counts.total} read, ${counts.applied} ${apply}, ${counts.alreadyApplied} already applied, ${counts.skipped} skipped, ${counts.failed} ${fail}\n`,
    );
  return {
    update(counts: ReplayCounts) {
      last = counts;
      if (Date.now() - lastLine < PROGRESS_LINE_MS) return;
      lastLine = Date.now();
      line(counts);
    },
    stop: () => {
      if (last && lastLine > 0) line(last);
    },
  };
}

const payloadOf = ({ applied, alreadyApplied, skipped, failed }: ReplayCounts) => ({
  applied,
  alreadyApplied,
  skipped,
  failed,
});

/** The summary for people: one field a line, skips broken down, the ranges last. */
export function formatSummary(summary: ReplaySummary): string {
  const would = summary.dryRun ? 'would ' : '';
  const skips = Object.entries(summary.skippedBy)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const fields: [string, string | number][] = [
    ['mode', summary.dryRun ? 'dry run (nothing delivered, nothing written)' : 'replay'],
    ['records in range', summary.total],
    ['read', summary.read],
    [`${would}apply`, summary.applied],
    ['already applied', summary.alreadyApplied],
    ['skipped', skips ? `${summary.skipped} (${skips})` : summary.skipped],
    [summary.dryRun ? 'would fail' : 'failed -> DLQ', summary.failed],
  ];
  if (summary.rebuilt) {
    const { orders, actors, rows } = summary.rebuilt;
    fields.push([
      'read models',
      summary.dryRun
        ? `${orders} orders would be rebuilt`
        : `${orders} orders: ${actors} actors, ${rows} rows rebuilt`,
    ]);
  }
  if (summary.aborted) fields.push(['aborted', 'yes: the counts are what was done before it stopped']);
  fields.push(['duration', `${(summary.durationMs / 1000).toFixed(1)} s`], ['group', summary.groupId]);
  const width = Math.max(...fields.map(([label]) => label.length));
  const ranges = summary.ranges
    .filter((range) => range.from !== range.to)
    .map((range) => `  ${range.topic}[${range.partition}]  ${range.from}..${range.to}`);
  return [
    ...fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
    ranges.length ? 'ranges (offsets, end exclusive)' : 'ranges  (all empty)',
    ...ranges,
    '',
  ].join('\n');
}

function positionText(position: ReplayPosition): string {
  return position.kind === 'time' ? position.at : position.offset;
}

function splitTopics(value: string, previous: string[] | undefined): string[] {
  const topics = value
    .split(',')
    .map((topic) => topic.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...topics];
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) throw new InvalidArgumentError('expected a positive number');
  return rate;
}
