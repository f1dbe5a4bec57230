import { describe, expect, it } from 'vitest';
import { formatCents, parseMoneyToCents } from './money.ts';

describe('formatCents', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [1250, '12.50'],
    [100, '1.00'],
    [123456789, '1234567.89'],
    [-1250, '-12.50'],
  ])('formats %d cents as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('rejects fractions of a cent and unsafe integers', () => {
    expect(() => formatCents(1.5)).toThrow(RangeError);
    expect(() => formatCents(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => formatCents(Number.NaN)).toThrow(RangeError);
  });
});

describe('parseMoneyToCents', () => {
  it.each([
    ['12.50', 1250],
    ['12.5', 1250],
    ['12', 1200],
    [' 7.05 ', 705],
    ['0', 0],
    [12.5, 1250],
    [0.29, 29],
    [19.99, 1999],
    [3, 300],
  ] as const)('reads %j as %d cents', (value, cents) => {
    expect(parseMoneyToCents(value)).toBe(cents);
  });

  it('round-trips with formatCents', () => {
    for (const cents of [0, 1, 99, 100, 1999, 123456789])
      expect(parseMoneyToCents(formatCents(cents))).toBe(cents);
  });

  it.each([
    ['12.345', /at most 2 decimal places/],
    [1.005, /at most 2 decimal places/],
    ['-1.00', /negative/],
    [-0.5, /negative/],
    [Number.NaN, /finite/],
    [Number.POSITIVE_INFINITY, /finite/],
    ['abc', /decimal number/],
    ['', /decimal number/],
    ['12.', /decimal number/],
    ['1e3', /decimal number/],
    ['12,50', /decimal number/],
    ['99999999999999999.00', /too large/],
  ] as const)('rejects %j with a RangeError', (value, message) => {
    expect(() => parseMoneyToCents(value)).toThrow(RangeError);
    expect(() => parseMoneyToCents(value)).toThrow(message);
  });
});
