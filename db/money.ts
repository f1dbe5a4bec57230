/**
 * Money crosses the API as decimal strings with two places ("12.50") and lives everywhere else as integer cents,
 * so no total ever passes through a binary fraction.
 */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`cents must be a safe integer, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const fraction = String(absolute % 100).padStart(2, '0');
  return `${sign}${Math.trunc(absolute / 100)}.${fraction}`;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Accepts 12, 12.5, "12.50"; rejects negatives, more than two decimals, NaN and anything not a plain decimal. */
export function parseMoneyToCents(value: number | string): number {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`amount must be a finite number, got ${value}`);
  }
  // Numbers go through their shortest decimal form: String(0.29) is "0.29" though 0.29 * 100 is not 29.
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (text.startsWith('-')) throw new RangeError(`amount must not be negative, got ${JSON.stringify(value)}`);
  const match = DECIMAL.exec(text);
  if (!match)
    throw new RangeError(`amount must be a decimal number like "12.50", got ${JSON.stringify(value)}`);
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > 2) {
    throw new RangeError(`amount must have at most 2 decimal places, got ${JSON.stringify(value)}`);
  }
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount is too large: ${JSON.stringify(value)}`);
  return cents;
}
