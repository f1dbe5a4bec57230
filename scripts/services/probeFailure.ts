import { connect as connectTcp } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { withDeadline } from '../../actors/withDeadline.ts';
import { errorMessage, PROBE_TIMEOUT_MS, type Service } from './service.ts';

const STOP_DEADLINE_MS = 15_000;
const POLL_INTERVAL_MS = 250;

/** undefined when the service answers; otherwise why it did not, for the error messages. */
export async function probeFailure(service: Service): Promise<string | undefined> {
  try {
    // The clients' own timeouts cover connecting; this covers a server that accepts and then never replies.
    await withDeadline(service.probe(), PROBE_TIMEOUT_MS * 2, () => {
      throw new Error(`no reply within ${(PROBE_TIMEOUT_MS * 2) / 1000} s`);
    });
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

export async function waitUntilAnswers(service: Service, timeoutMs: number, failure: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    const error = await probeFailure(service);
    if (error === undefined) return;
    lastError = error;
    await delay(POLL_INTERVAL_MS);
  }
  throw new Error(`${service.name}: ${failure} within ${timeoutMs / 1000} s (last error: ${lastError})`);
}

/** A stopped server may keep answering briefly; waiting keeps a following start from finding it still up. */
export async function waitUntilSilent(service: Service): Promise<void> {
  const deadline = Date.now() + STOP_DEADLINE_MS;
  while (Date.now() < deadline && (await probeFailure(service)) === undefined) await delay(POLL_INTERVAL_MS);
}

/** Tells a server that is starting up (port open, no answer yet) from one that is not running at all. */
export function isPortOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port, timeout: PROBE_TIMEOUT_MS });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}
