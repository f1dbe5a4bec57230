import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatCell,
  formatInstant,
  formatMillis,
  formatTime,
  print,
  renderFields,
  renderSection,
  renderTable,
  truncate,
} from './output.ts';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');

describe('renderTable', () => {
  const rows = [
    { id: 'a1', state: 'PENDING', tags: ['x', 'y'], note: null },
    { id: 'b22', state: 'CONFIRMED', tags: [], note: 'a very long note indeed' },
  ];
  const columns = [
    { header: 'id', value: (row: (typeof rows)[number]) => row.id },
    { header: 'state', value: (row: (typeof rows)[number]) => row.state },
    { header: 'tags', value: (row: (typeof rows)[number]) => row.tags },
    { header: 'note', value: (row: (typeof rows)[number]) => row.note, maxWidth: 10 },
  ];

  it('prints upper-case headers and aligned columns, with no borders or trailing spaces', () => {
    expect(renderTable(rows, columns)).toBe(
      ['ID   STATE      TAGS  NOTE', 'a1   PENDING    x, y  -', 'b22  CONFIRMED  -     a very lo…', ''].join(
        '\n',
      ),
    );
  });

  it('says so when there are no rows, indented like the table would be', () => {
    expect(renderTable([], columns, { empty: 'no actors match', indent: '  ' })).toBe('  no actors match\n');
  });
});

describe('fields and sections', () => {
  it('aligns the values of fields', () => {
    expect(
      renderFields([
        ['state', 'CONFIRMED'],
        ['host node', null],
      ]),
    ).toBe('state      CONFIRMED\nhost node  -\n');
  });

  it('indents a section body under its title, leaving blank lines blank', () => {
    expect(renderSection('Context', '{\n\n  "a": 1\n}\n')).toBe('Context\n  {\n\n    "a": 1\n  }\n');
  });
});

describe('cells and times', () => {
  it('shows nothing as -, lists joined, objects as one-line JSON, and no line breaks', () => {
    expect([null, undefined, '', [], ['a', 'b'], { a: 1 }, 3, 'one\n  two'].map(formatCell)).toEqual([
      '-',
      '-',
      '-',
      '-',
      'a, b',
      '{"a":1}',
      '3',
      'one two',
    ]);
  });

  it('prints instants to the second, with their age', () => {
    expect(formatInstant('2026-05-01T11:57:00.123Z')).toBe('2026-05-01 11:57:00Z');
    expect(formatTime('2026-05-01T11:57:00.000Z', NOW)).toBe('2026-05-01 11:57:00Z (3m ago)');
    expect(formatTime(null, NOW)).toBe('-');
    expect(formatAge('2026-05-01T12:00:30.000Z', NOW)).toBe('in 30s');
    expect(formatAge('2026-05-01T11:59:59.500Z', NOW)).toBe('just now');
    expect(formatAge('2026-04-29T12:00:00.000Z', NOW)).toBe('2d ago');
  });

  it('prints turn durations with sensible precision', () => {
    expect([0.84, 12.4, 1530].map(formatMillis)).toEqual(['0.8 ms', '12 ms', '1.5 s']);
  });

  it('cuts long text with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('abcdef', undefined)).toBe('abcdef');
  });
});

describe('print', () => {
  it('writes JSON with --json and the human rendering (ending in a newline) otherwise', () => {
    const out: string[] = [];
    const write = (text: string) => out.push(text);
    print(write, { json: true }, { a: 1 }, () => 'never');
    print(write, {}, { a: 1 }, (value) => `a is ${value.a}`);
    expect(out).toEqual(['{\n  "a": 1\n}\n', 'a is 1\n']);
  });
});
