import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { BrokerPaths } from './brokerPaths.ts';

const LOG_TAIL_LINES = 30;

/** The broker's own log usually says why it failed, so the error carries its last lines. */
export function brokerFailure(reason: string, paths: BrokerPaths): Error {
  const tail = readLogTail(paths.brokerLog).trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
  return new Error(`kafka: ${reason}. Last ${LOG_TAIL_LINES} lines of ${paths.brokerLog}:\n${tail}`);
}

/** The end of the log only: it is appended to across restarts and grows without bound. */
function readLogTail(logFile: string, bytes = 64 * 1024): string {
  if (!existsSync(logFile)) return '';
  const fd = openSync(logFile, 'r');
  try {
    const start = Math.max(0, fstatSync(fd).size - bytes);
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, start)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
