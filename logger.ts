import { type DestinationStream, pino } from 'pino';
import type { Config } from './config.ts';

/**
 * Fields that may hold credentials are censored wherever they appear in a log line (at the top, in `headers`, or
 * one or two objects down, e.g. `req.headers.authorization`). Log calls name what they log and never pass a whole
 * request or record payload; this is the net under that rule.
 */
const SECRET_FIELDS = ['authorization', 'apiKey', 'api_key', '"x-api-key"', 'password', 'secret', 'token'];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => {
  const quoted = field.startsWith('"');
  const key = quoted ? `[${field}]` : `.${field}`;
  return [quoted ? `[${field}]` : field, `*${key}`, `*.*${key}`, `*.*.*${key}`];
});

/** Structured JSON logs on stderr (stdout stays free for what a command prints). */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'NODE_ID'>,
  destination: DestinationStream = pino.destination(2),
) {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { node: config.NODE_ID },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

export type AppLogger = ReturnType<typeof createLogger>;
