import { existsSync, readFileSync } from 'node:fs';

/** Pid files may be stale or half-written, so anything but a positive integer counts as no pid. */
export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Checks the command line too, so a stale pid file never makes us signal an unrelated process. */
export function isBrokerProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    if (existsSync('/proc/self')) return false;
    return isAlive(pid); // no procfs (macOS): liveness is the best we can check
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
