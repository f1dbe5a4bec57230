import { describe, expect, it } from 'vitest';
import { clampRange, parseReplayPosition, positionsProblem } from './replayRange.ts';

describe('replay positions', () => {
  it('reads digits as an offset (before trying a date: Date.parse takes "12" for 2001)', () => {
    expect(parseReplayPosition('12')).toEqual({ kind: 'offset', offset: '12' });
    expect(parseReplayPosition('007')).toEqual({ kind: 'offset', offset: '7' });
  });

  it('reads an ISO 8601 date or time as a time, normalised to UTC', () => {
    expect(parseReplayPosition('2026-05-01T08:00:00+02:00')).toEqual({
      kind: 'time',
      at: '2026-05-01T06:00:00.000Z',
    });
    expect(parseReplayPosition('2026-05-01')).toEqual({ kind: 'time', at: '2026-05-01T00:00:00.000Z' });
  });

  it.each(['yesterday', '-1', '1.5', '2026-13-45T00:00:00Z', '', 'May 1, 2026'])('refuses %j', (text) => {
    expect(parseReplayPosition(text)).toBeUndefined();
  });

  it('refuses from after to when both are of one kind, and leaves mixed kinds to the broker', () => {
    const at = (iso: string) => ({ kind: 'time', at: iso }) as const;
    const offset = (value: string) => ({ kind: 'offset', offset: value }) as const;
    expect(positionsProblem(at('2026-05-02T00:00:00Z'), at('2026-05-01T00:00:00Z'))).toMatch(/after/);
    expect(positionsProblem(offset('10'), offset('9'))).toMatch(/after/);
    expect(positionsProblem(offset('9'), offset('9'))).toBeUndefined();
    expect(positionsProblem(offset('10'), at('2026-05-01T00:00:00Z'))).toBeUndefined();
    expect(positionsProblem(offset('10'), undefined)).toBeUndefined();
  });
});

describe('replay ranges', () => {
  const marks = { low: 5n, high: 20n };

  it('clamps the start to [low, high] and the end to [start, high]', () => {
    expect(clampRange({ start: 0n, end: undefined }, marks)).toEqual({ start: 5n, end: 20n });
    expect(clampRange({ start: 8n, end: 12n }, marks)).toEqual({ start: 8n, end: 12n });
    expect(clampRange({ start: 30n, end: 40n }, marks)).toEqual({ start: 20n, end: 20n });
    expect(clampRange({ start: 8n, end: 100n }, marks)).toEqual({ start: 8n, end: 20n });
  });

  it('makes an end before the start an empty range, and an unknown start the low watermark', () => {
    expect(clampRange({ start: 12n, end: 3n }, marks)).toEqual({ start: 12n, end: 12n });
    expect(clampRange({ start: undefined, end: 9n }, marks)).toEqual({ start: 5n, end: 9n });
  });
});
