import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { BrokerPaths } from './brokerPaths.ts';
import { isAlive, readPid } from './isBrokerProcess.ts';

/** Long enough for a first-run Maven download plus a start-up by another process. */
const LOCK_DEADLINE_MS = 300_000;
const POLL_INTERVAL_MS = 500;

/** Only one process at a time prepares and starts the broker; the others wait, then find it running. */
export async function withStartLock<T>(paths: BrokerPaths, work: () => Promise<T>): Promise<T> {
  mkdirSync(paths.home, { recursive: true });
  const deadline = Date.now() + LOCK_DEADLINE_MS;
  for (;;) {
    try {
      writeFileSync(paths.startLock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPid(paths.startLock);
    // A starter that died (Ctrl-C during the Maven download) leaves its lock behind.
    if (holder !== undefined && !isAlive(holder)) rmSync(paths.startLock, { force: true });
    if (Date.now() > deadline) {
      throw new Error(
        `kafka: process ${holder} has held ${paths.startLock} for too long; delete it if stale`,
      );
    }
    await delay(POLL_INTERVAL_MS);
  }
  try {
    return await work();
  } finally {
    rmSync(paths.startLock, { force: true });
  }
}
