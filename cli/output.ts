import Table from 'cli-table3';
import ms from 'ms';

/**
 * How the CLI prints: plain tables and aligned fields for people (no colours, no borders, so they survive pipes,
 * `grep` and `less`), or JSON for scripts (`--json`). Pure: every function returns text.
 */

export type Write = (text: string) => void;

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Longer cells are cut with `…`. */
  maxWidth?: number;
}

/** `--json` prints the value as the API returned it; otherwise `human(value)`. */
export function print<T>(write: Write, options: { json?: boolean }, value: T, human: (value: T) => string) {
  write(options.json ? renderJson(value) : ensureNewline(human(value)));
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A borderless table with upper-case headers, columns two spaces apart; `empty` when there are no rows. */
export function renderTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  options: { empty?: string; indent?: string } = {},
): string {
  const indent = options.indent ?? '';
  if (rows.length === 0) return `${indent}${options.empty ?? '(none)'}\n`;
  const table = new Table({
    head: columns.map((column) => column.header.toUpperCase()),
    chars: BORDERLESS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const row of rows) {
    table.push(columns.map((column) => truncate(formatCell(column.value(row)), column.maxWidth)));
  }
  return `${table
    .toString()
    .split('\n')
    .map((line) => `${indent}${line}`.trimEnd())
    .join('\n')}\n`;
}

/** `label  value` lines with the values aligned. */
export function renderFields(fields: readonly (readonly [string, unknown])[], indent = ''): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields
    .map(([label, value]) => `${indent}${label.padEnd(width)}  ${formatCell(value)}`.trimEnd())
    .join('\n')
    .concat('\n');
}

/** A titled block: `title`, then the body indented by two spaces. */
export function renderSection(title: string, body: string): string {
  const indented = body
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
  return `${title}\n${indented}\n`;
}

/** What a table cell or field shows: `-` for nothing, lists joined by commas, objects as one-line JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(formatCell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s*\n\s*/g, ' ');
}

/** `2026-05-01 12:00:03Z (3m ago)`. */
export function formatTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  return `${formatInstant(iso)} (${formatAge(iso, now)})`;
}

/** An ISO time to the second, readable: `2026-05-01 12:00:03Z`. */
export function formatInstant(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `3m ago`, `in 25s`, `just now`. */
export function formatAge(iso: string, now = Date.now()): string {
  const delta = now - Date.parse(iso);
  if (Number.isNaN(delta)) return iso;
  if (Math.abs(delta) < 1000) return 'just now';
  return delta > 0 ? `${ms(delta)} ago` : `in ${ms(-delta)}`;
}

/** A turn's duration: `0.8 ms`, `12 ms`, `1.5 s`. */
export function formatMillis(millis: number): string {
  if (millis < 10) return `${Math.round(millis * 10) / 10} ms`;
  if (millis < 1000) return `${Math.round(millis)} ms`;
  return `${Math.round(millis / 100) / 10} s`;
}

export function truncate(text: string, maxWidth: number | undefined): string {
  if (maxWidth === undefined || text.length <= maxWidth) return text;
  return `${text.slice(0, Math.max(0, maxWidth - 1))}…`;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};
