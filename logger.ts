import { type DestinationStream, pino } from 'pino';
import type { Config } from './config.ts';

/**
 * Fields that may hold credentials are censored wherever they appear in a log line (at the top, in `headers`, or
 * one or two objects down, e.g. `req.headers.authorization`). Log calls name what they log and never pass a whole
 * request or record payload; this is the net under that rule.
 */
const SECRET_FIELDS = [
  'authorization',
  'apiKey',
  'api_key',
  '"x-api-key"',
  // The visualizer's session cookie holds an API key.
  'cookie',
  '"set-cookie"',
  'keyHash',
  'key_hash',
  'password',
  'secret',
  'token',
];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => {
  const quoted = field.startsWith('"');
  const key = quoted ? `[${field}]` : `.${field}`;
  return [quoted ? `[${field}]` : field, `*${key}`, `*.*${key}`, `*.*.*${key}`];
});

/**
 * A failed statement reaches us as knex wrote it: the SQL with its parameter values inlined, then the database's
 * message. Errors are logged with those literals blanked, so a failed insert does not log the row (the SQL itself
 * stays parameterised; only the error text inlines values).
 */
const SQL_STATEMENT = /\b(?:insert\s+into|update\s+\S+\s+set|delete\s+from|select\s[\s\S]*?\sfrom)\b/i;
const SQL_LITERAL = /'(?:[^']|'')*'/g;
export const withoutSqlValues = (text: string): string =>
  SQL_STATEMENT.test(text) ? text.replace(SQL_LITERAL, "'…'") : text;

function errorWithoutData(error: Error): unknown {
  const serialized: unknown = pino.stdSerializers.err(error);
  if (typeof serialized !== 'object' || serialized === null) return serialized; // not an error: logged as it is
  for (const field of ['message', 'stack']) {
    const value = (serialized as Record<string, unknown>)[field];
    if (typeof value === 'string')
      (serialized as Record<string, unknown>)[field] = withoutSqlValues(value).slice(0, 8000);
  }
  return serialized;
}

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
      serializers: { err: errorWithoutData },
    },
    destination,
  );
}

export type AppLogger = ReturnType<typeof createLogger>;
