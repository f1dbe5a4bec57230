import { readFile } from 'node:fs/promises';
import { type DiscoveryTarget, discoverProcesses, PROCESS_GROUPS, type ProcessGroup } from './processes.ts';
import { coresUsed, parseMachineTicks, parseProcStat, TickLedger } from './procStat.ts';

/**
 * CPU cores used by each process group over a run: /proc/<pid>/stat read every `intervalMs` (processes are looked
 * up again each time, because PostgreSQL backends come and go), utime+stime deltas divided by wall time. The
 * machine's total busy cores (/proc/stat) are kept too, so load from outside the system shows as `other`.
 */
export interface CpuReport {
  readonly wallSeconds: number;
  readonly cores: Record<ProcessGroup, number>;
  readonly pids: Record<ProcessGroup, number[]>;
  /** Busy cores of the whole machine (every process, the kernel included). */
  readonly machineBusyCores: number;
  /** machineBusyCores minus the groups: load the bench did not attribute (another job, the kernel…). */
  readonly otherCores: number;
}

export interface CpuSampling {
  stop(): Promise<CpuReport>;
}

export async function startCpuSampling(target: DiscoveryTarget, intervalMs = 1_000): Promise<CpuSampling> {
  const ledgers = new Map(PROCESS_GROUPS.map((group) => [group, new TickLedger()] as const));
  const machineStart = parseMachineTicks(await readFile('/proc/stat', 'utf8'));
  const startedAt = performance.now();
  let first = true;

  const sample = async () => {
    const { groups } = await discoverProcesses(target);
    await Promise.all(
      PROCESS_GROUPS.flatMap((group) =>
        groups[group].map(async (pid) => {
          try {
            const times = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
            ledgers.get(group)?.observe(times, !first);
          } catch {
            // The process exited between the lookup and the read: its share up to its last sighting stays counted.
          }
        }),
      ),
    );
    first = false;
  };

  await sample();
  let pending: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending.then(sample);
  }, intervalMs);

  return {
    async stop() {
      clearInterval(timer);
      await pending;
      await sample();
      const wallSeconds = (performance.now() - startedAt) / 1000;
      const machineEnd = parseMachineTicks(await readFile('/proc/stat', 'utf8'));
      const cores = {} as Record<ProcessGroup, number>;
      const pids = {} as Record<ProcessGroup, number[]>;
      for (const group of PROCESS_GROUPS) {
        const ledger = ledgers.get(group) as TickLedger;
        cores[group] = coresUsed(ledger.ticks, wallSeconds);
        pids[group] = ledger.pids;
      }
      const machineBusyCores = coresUsed(machineEnd.busy - machineStart.busy, wallSeconds);
      const attributed = PROCESS_GROUPS.reduce((sum, group) => sum + cores[group], 0);
      return { wallSeconds, cores, pids, machineBusyCores, otherCores: machineBusyCores - attributed };
    },
  };
}
