import { rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { BrokerPaths } from './brokerPaths.ts';
import { isBrokerProcess, readPid } from './isBrokerProcess.ts';

const STOP_DEADLINE_MS = 30_000;

/** True when a broker was running; the pid file goes only if it still names this pid (no newer broker's). */
export async function stopBrokerProcess(pid: number, paths: BrokerPaths): Promise<boolean> {
  const running = isBrokerProcess(pid);
  if (running) await terminate(pid);
  if (readPid(paths.pidFile) === pid) rmSync(paths.pidFile, { force: true });
  return running;
}

/** SIGTERM lets the broker flush and close its logs cleanly; SIGKILL only if it hangs. */
async function terminate(pid: number): Promise<void> {
  sendSignal(pid, 'SIGTERM');
  if (await waitForExit(pid, STOP_DEADLINE_MS)) return;
  sendSignal(pid, 'SIGKILL');
  await waitForExit(pid, 5000);
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isBrokerProcess(pid)) return true;
    await delay(100);
  }
  return !isBrokerProcess(pid);
}
