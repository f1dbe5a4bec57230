import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../api/client.ts';
import { type Column, formatAge, renderTable } from './output.ts';

/** What `trackops dlq ls|redrive` (and the dead letters of `actors inspect`) print for people. */
type Outputs = inferRouterOutputs<AppRouter>['dlq'];
export type DeadLetter = Outputs['list'][number];
export type RedriveResult = Outputs['redrive'];

export function deadLetterColumns(now = Date.now()): Column<DeadLetter>[] {
  return [
    { header: 'id', value: (letter) => letter.id },
    { header: 'topic', value: (letter) => letter.topic },
    { header: 'partition:offset', value: (letter) => `${letter.partition}:${letter.offset}` },
    { header: 'key', value: (letter) => letter.key },
    { header: 'status', value: (letter) => letter.status },
    { header: 'attempts', value: (letter) => letter.attempts },
    { header: 'redrives', value: (letter) => letter.redriveCount },
    { header: 'failed', value: (letter) => formatAge(letter.failedAt, now) },
    { header: 'reason', value: (letter) => letter.lastRedriveError ?? letter.reason, maxWidth: 60 },
  ];
}

export function renderDeadLetters(letters: readonly DeadLetter[], now = Date.now()): string {
  return renderTable(letters, deadLetterColumns(now), { empty: 'no dead letters match' });
}

export function renderRedriveResult(result: RedriveResult): string {
  const summary = `redriven: ${result.redriven}, failed again: ${result.failed.length}\n`;
  if (result.failed.length === 0) return summary;
  return `${summary}\n${renderTable(result.failed, [
    { header: 'id', value: (failure) => failure.id },
    { header: 'reason', value: (failure) => failure.reason, maxWidth: 100 },
  ])}`;
}
