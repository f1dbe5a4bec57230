/**
 * CPU accounting from /proc, as pure functions over the text so they can be tested without a process.
 * `/proc/<pid>/stat`: the command name (field 2) is in parentheses and may itself hold spaces or ')', so fields
 * are counted from the last ')'. utime and stime (fields 14 and 15) are in clock ticks (USER_HZ, 100 on Linux).
 */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessTimes {
  readonly pid: number;
  readonly command: string;
  /** utime + stime, in clock ticks. */
  readonly cpuTicks: number;
  /** Field 22, in ticks since boot: tells a reused pid from the process seen before. */
  readonly startTicks: number;
}

export function parseProcStat(text: string): ProcessTimes {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const pid = Number(text.slice(0, open).trim());
  // After ") " come fields 3 (state), 4, … so field n is at index n - 3.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => {
    const value = Number(rest[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`field ${n} of /proc/${pid}/stat is not a number`);
    return value;
  };
  return {
    pid,
    command: text.slice(open + 1, close),
    cpuTicks: field(14) + field(15),
    startTicks: field(22),
  };
}

/** The first line of /proc/stat: ticks per state summed over CPUs; busy = everything but idle and iowait. */
export function parseMachineTicks(procStat: string): { busy: number; total: number } {
  const line = procStat.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  // user nice system idle iowait irq softirq steal (guest and guest_nice are already inside user and nice)
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * Ticks a group of processes spent between two sightings, keyed by pid. A process first seen after the start
 * counts from zero (it was born during the run); one that vanished counts up to its last sighting; a pid reused by
 * a new process (another start time) counts the old one's share and the new one's from zero.
 */
export class TickLedger {
  readonly #first = new Map<number, ProcessTimes>();
  readonly #last = new Map<number, ProcessTimes>();
  #retired = 0;

  observe(times: ProcessTimes, bornDuringRun: boolean): void {
    const previous = this.#last.get(times.pid);
    const reused = previous !== undefined && previous.startTicks !== times.startTicks;
    if (reused) {
      this.#retired += previous.cpuTicks - (this.#first.get(times.pid)?.cpuTicks ?? 0);
      this.#first.delete(times.pid);
    }
    if (!this.#first.has(times.pid)) {
      this.#first.set(times.pid, bornDuringRun || reused ? { ...times, cpuTicks: 0 } : times);
    }
    this.#last.set(times.pid, times);
  }

  /** Total ticks used by the group between its first and last sightings. */
  get ticks(): number {
    let ticks = this.#retired;
    for (const [pid, last] of this.#last) ticks += last.cpuTicks - (this.#first.get(pid)?.cpuTicks ?? 0);
    return ticks;
  }

  get pids(): number[] {
    return [...this.#last.keys()];
  }
}

/** CPU cores used: seconds of CPU per second of wall time (1.0 = one core fully busy). */
export function coresUsed(
  ticks: number,
  wallSeconds: number,
  ticksPerSecond = CLOCK_TICKS_PER_SECOND,
): number {
  if (wallSeconds <= 0) return Number.NaN;
  return ticks / ticksPerSecond / wallSeconds;
}
