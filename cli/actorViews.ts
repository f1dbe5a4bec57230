import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../api/client.ts';
import { deadLetterColumns } from './deadLetterViews.ts';
import {
  type Column,
  formatAge,
  formatInstant,
  formatMillis,
  formatTime,
  renderFields,
  renderSection,
  renderTable,
} from './output.ts';

/** What `trackops actors ls|inspect|send` print for people (their `--json` is the API's answer as is). */
type Outputs = inferRouterOutputs<AppRouter>['actors'];
export type ActorSummary = Outputs['list'][number];
export type ActorInspection = Outputs['inspect'];
export type JournalEntry = Outputs['journal'][number];
export type SendResult = Outputs['send'];

export function renderActorList(actors: readonly ActorSummary[], now = Date.now()): string {
  const columns: Column<ActorSummary>[] = [
    { header: 'type', value: (actor) => actor.type },
    { header: 'id', value: (actor) => actor.id },
    { header: 'state', value: (actor) => actor.state },
    { header: 'status', value: (actor) => actor.status },
    { header: 'version', value: (actor) => actor.version },
    { header: 'updated', value: (actor) => formatAge(actor.updatedAt, now) },
  ];
  return renderTable(actors, columns, { empty: 'no actors match' });
}

export function renderJournal(entries: readonly JournalEntry[], indent = ''): string {
  const columns: Column<JournalEntry>[] = [
    { header: 'version', value: (entry) => entry.version },
    { header: 'message', value: (entry) => entry.messageType },
    { header: 'before -> after', value: (entry) => `${entry.stateBefore ?? '(new)'} -> ${entry.stateAfter}` },
    { header: 'node', value: (entry) => entry.nodeId },
    { header: 'duration', value: (entry) => formatMillis(entry.durationMs) },
    { header: 'at', value: (entry) => formatInstant(entry.at) },
    { header: 'sent by', value: (entry) => entry.sentBy },
  ];
  return renderTable(entries, columns, { empty: '(no entries)', indent });
}

/** Header fields, context, then one section per kind of pending work, each with its count. */
export function renderActorInspection(actor: ActorInspection, now = Date.now()): string {
  const header = renderSection(
    `${actor.type} ${actor.id}`,
    renderFields([
      ['state', `${actor.state} (${actor.status})`],
      ['version', `${actor.version} (machine version ${actor.machineVersion})`],
      ['host node', actor.host ?? '(no node holds its shard now)'],
      ['updated', formatTime(actor.updatedAt, now)],
      ['created', formatTime(actor.createdAt, now)],
    ]),
  );
  const timers = renderTable(
    actor.timers,
    [
      { header: 'event', value: (timer) => timer.eventType },
      { header: 'due', value: (timer) => formatTime(timer.dueAt, now) },
      { header: 'attempts', value: (timer) => timer.attempts },
      { header: 'last error', value: (timer) => timer.lastError, maxWidth: 60 },
    ],
    { empty: '(none)' },
  );
  const outbox = renderTable(
    actor.unpublished,
    [
      { header: 'id', value: (event) => event.id },
      { header: 'type', value: (event) => event.type },
      { header: 'created', value: (event) => formatTime(event.createdAt, now) },
      { header: 'attempts', value: (event) => event.attempts },
      { header: 'last error', value: (event) => event.lastError, maxWidth: 60 },
    ],
    { empty: '(none)' },
  );
  return [
    header,
    renderSection('Context', JSON.stringify(actor.context, null, 2) ?? 'null'),
    renderSection(`Pending timers (${actor.timers.length})`, timers),
    renderSection(`Journal (last ${actor.journal.length}, newest first)`, renderJournal(actor.journal)),
    renderSection(`Unpublished outbox events (${actor.unpublished.length})`, outbox),
    renderSection(
      `Dead letters (${actor.deadLetters.length})`,
      renderTable(actor.deadLetters, deadLetterColumns(now), { empty: '(none)' }),
    ),
  ].join('\n');
}

export function renderSendResult(
  ref: { type: string; id: string; eventType: string; sentBy: string },
  result: SendResult,
): string {
  const outcome = result.duplicate ? 'was already applied (duplicate message id)' : 'applied';
  return renderSection(
    `${ref.type} ${ref.id}: ${ref.eventType} ${outcome}`,
    renderFields([
      ['state', result.state],
      ['version', result.version],
      ['sent by', ref.sentBy],
      ['message id', result.messageId],
    ]),
  );
}
