import { pino } from 'pino';
import type { Config } from './config.ts';

/** Structured JSON logs on stderr (stdout stays free for what a command prints). */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ID'>) {
  return pino({ level: config.LOG_LEVEL, base: { node: config.NODE_ID } }, pino.destination(2));
}

export type AppLogger = ReturnType<typeof createLogger>;
