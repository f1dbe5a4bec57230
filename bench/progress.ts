import cliProgress from 'cli-progress';

/**
 * Progress of the phase that runs, on stderr: a bar with the rate on a terminal; on anything else (CI logs, a
 * file), one line when a phase starts and one when it ends, instead of a redrawn bar.
 */
export interface Progress {
  start(label: string, total: number): void;
  increment(): void;
  stop(summary?: string): void;
}

export function createProgress(quiet: boolean): Progress {
  if (quiet) return { start() {}, increment() {}, stop() {} };
  const interactive = process.stderr.isTTY === true;
  const bar = new cliProgress.SingleBar(
    {
      format: '{label} [{bar}] {value}/{total} | {rate}/s | {duration_formatted}',
      hideCursor: true,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  let label = '';
  let startedAt = 0;
  let done = 0;
  const rate = () => (done / Math.max((performance.now() - startedAt) / 1000, 0.001)).toFixed(1);
  return {
    start(phase, total) {
      label = phase;
      startedAt = performance.now();
      done = 0;
      if (interactive) bar.start(total, 0, { label, rate: '0.0' });
      else process.stderr.write(`${label}: ${total} to do\n`);
    },
    increment() {
      done += 1;
      if (interactive) bar.increment(1, { rate: rate() });
    },
    stop(summary) {
      if (interactive) bar.stop();
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      process.stderr.write(`${label}: ${done} done in ${seconds} s${summary ? ` — ${summary}` : ''}\n`);
    },
  };
}
