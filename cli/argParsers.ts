import { InvalidArgumentError } from 'commander';
import ms from 'ms';
import { type Role, roleSchema, roles } from '../api/auth/roles.ts';
import { CliFailure, EXIT } from './exitCodes.ts';

/**
 * Parsers for command-line arguments. Those that throw InvalidArgumentError make commander report a usage error
 * (exit 2); `parseEvent` reports bad input (exit 5), as the API would for the same event.
 */

const MAX_DURATION_MS = 365 * 24 * 3_600_000;

/**
 * A duration (`--stuck-for 5m`): a number and a unit, parsed by `ms` (`30s`, `5m`, `2h`, `1d`, `1.5h`,
 * `90 minutes`). A bare number is refused: `--stuck-for 5` is more likely minutes than milliseconds.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const value = /^\d+(\.\d+)?\s*[a-z]+$/i.test(trimmed) ? ms(trimmed as ms.StringValue) : undefined;
  if (value === undefined || !Number.isFinite(value)) {
    throw new InvalidArgumentError('Expected a duration with a unit, such as 30s, 5m, 2h or 1d.');
  }
  if (value > MAX_DURATION_MS) throw new InvalidArgumentError('Expected at most 365d.');
  return Math.round(value);
}

/** `--limit` and the like: a whole number from 1 to `max`. */
export function wholeNumber(max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < 1 || value > max) {
      throw new InvalidArgumentError(`Expected a whole number from 1 to ${max}.`);
    }
    return value;
  };
}

export interface EventArgument {
  type: string;
  [field: string]: unknown;
}

/** The `<event-json>` of `actors send`: a JSON object with a non-empty string `type`. */
export function parseEvent(text: string): EventArgument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliFailure(`<event-json> is not valid JSON (${reason})`, EXIT.badInput);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliFailure(
      '<event-json> must be a JSON object, such as {"type":"order.process"}',
      EXIT.badInput,
    );
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || type.trim() === '') {
    throw new CliFailure('<event-json> needs a "type", such as {"type":"order.process"}', EXIT.badInput);
  }
  return { ...(value as Record<string, unknown>), type };
}

export interface KeyCreateInput {
  name: string;
  role: Role;
  customerId?: string;
}

/**
 * The options of `keys create`: a known role, a non-empty name, and `--customer` exactly when the role is
 * `customer` (a customer key acts for one customer; the other roles act for the system). Usage errors (exit 2).
 */
export function parseKeyCreateOptions(options: {
  role: string;
  name: string;
  customer?: string | undefined;
}): KeyCreateInput {
  const parsed = roleSchema.safeParse(options.role);
  if (!parsed.success) {
    throw new CliFailure(`--role must be one of ${roles.join(', ')}, not "${options.role}"`, EXIT.usage);
  }
  const role = parsed.data;
  const name = options.name.trim();
  if (name === '') throw new CliFailure('--name must not be empty', EXIT.usage);
  const customer = options.customer?.trim();
  if (role === 'customer') {
    if (!customer) throw new CliFailure('a customer key needs --customer <id>', EXIT.usage);
    return { name, role, customerId: customer };
  }
  if (options.customer !== undefined) {
    throw new CliFailure(`--customer is only for --role customer (this key's role is ${role})`, EXIT.usage);
  }
  return { name, role };
}
