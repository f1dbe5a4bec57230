import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseEvent, parseKeyCreateOptions, wholeNumber } from './argParsers.ts';
import { CliFailure, EXIT } from './exitCodes.ts';

describe('parseDuration', () => {
  it('reads a number with a unit', () => {
    expect(['30s', '5m', '2h', '1d', '1.5h', '90 minutes', ' 10s '].map(parseDuration)).toEqual([
      30_000, 300_000, 7_200_000, 86_400_000, 5_400_000, 5_400_000, 10_000,
    ]);
  });

  it('refuses bare numbers, unknown units, negatives and more than a year', () => {
    for (const text of ['5', '', 'soon', '5 parsecs', '-5m', '366d']) {
      expect(() => parseDuration(text), text).toThrow(InvalidArgumentError);
    }
  });
});

describe('wholeNumber', () => {
  it('accepts 1 to max and refuses the rest', () => {
    const limit = wholeNumber(500);
    expect(limit('1')).toBe(1);
    expect(limit('500')).toBe(500);
    for (const text of ['0', '501', '2.5', 'ten', '-1', '']) {
      expect(() => limit(text), text).toThrow(InvalidArgumentError);
    }
  });
});

describe('parseEvent', () => {
  it('returns a JSON object with its type', () => {
    expect(parseEvent('{"type":"order.cancel","reason":"asked"}')).toEqual({
      type: 'order.cancel',
      reason: 'asked',
    });
  });

  it('refuses malformed JSON, non-objects and a missing type as bad input, naming the problem', () => {
    const cases = [
      ['{type: order.process}', /not valid JSON/],
      ['[1]', /must be a JSON object/],
      ['"order.process"', /must be a JSON object/],
      ['null', /must be a JSON object/],
      ['{"reason":"x"}', /needs a "type"/],
      ['{"type":" "}', /needs a "type"/],
    ] as const;
    for (const [text, message] of cases) {
      let failure: unknown;
      try {
        parseEvent(text);
      } catch (error) {
        failure = error;
      }
      expect(failure, text).toBeInstanceOf(CliFailure);
      expect((failure as CliFailure).exitCode).toBe(EXIT.badInput);
      expect((failure as CliFailure).message).toMatch(message);
    }
  });
});

describe('parseKeyCreateOptions', () => {
  it('returns the input of keys.create, with the customer only for a customer key', () => {
    expect(parseKeyCreateOptions({ role: 'operator', name: ' ops laptop ' })).toEqual({
      name: 'ops laptop',
      role: 'operator',
    });
    expect(parseKeyCreateOptions({ role: 'customer', name: 'shop', customer: 'c-1' })).toEqual({
      name: 'shop',
      role: 'customer',
      customerId: 'c-1',
    });
  });

  it('refuses an unknown role, an empty name and a customer that does not fit the role, as usage errors', () => {
    const cases = [
      [{ role: 'root', name: 'x' }, /--role must be one of admin, operator, service, customer/],
      [{ role: 'admin', name: '  ' }, /--name must not be empty/],
      [{ role: 'customer', name: 'x' }, /needs --customer/],
      [{ role: 'customer', name: 'x', customer: ' ' }, /needs --customer/],
      [{ role: 'service', name: 'x', customer: 'c-1' }, /--customer is only for --role customer/],
    ] as const;
    for (const [options, message] of cases) {
      let failure: unknown;
      try {
        parseKeyCreateOptions(options);
      } catch (error) {
        failure = error;
      }
      expect(failure, JSON.stringify(options)).toBeInstanceOf(CliFailure);
      expect((failure as CliFailure).exitCode).toBe(EXIT.usage);
      expect((failure as CliFailure).message).toMatch(message);
    }
  });
});
