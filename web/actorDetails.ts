/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { element } from './element.ts';
import { ago, localTime } from './timeFormat.ts';
import type { ActorInspection } from './vizClient.ts';

/** The actor's context as pretty JSON, its pending timers, and what it emitted that is not published yet. */
export function renderContext(pre: HTMLElement, context: unknown): void {
  pre.textContent = context === undefined ? '—' : JSON.stringify(context, null, 2);
}

function table(headings: readonly string[], rows: readonly (readonly string[])[]): HTMLTableElement {
  return element('table', {}, [
    element('thead', {}, [
      element(
        'tr',
        {},
        headings.map((heading) => element('th', { text: heading })),
      ),
    ]),
    element(
      'tbody',
      {},
      rows.map((row) =>
        element(
          'tr',
          {},
          row.map((cell) => element('td', { className: 'mono', text: cell })),
        ),
      ),
    ),
  ]);
}

const none = (text: string) => element('span', { className: 'muted', text });

export function renderTimers(container: HTMLElement, timers: ActorInspection['timers'] | undefined): void {
  if (!timers || timers.length === 0) {
    container.replaceChildren(none('none pending'));
    return;
  }
  container.replaceChildren(
    table(
      ['event', 'due', 'attempts', 'last error'],
      timers.map((timer) => [
        timer.eventType,
        `${localTime(timer.dueAt)} (${Date.parse(timer.dueAt) > Date.now() ? 'in the future' : 'due'})`,
        String(timer.attempts),
        timer.lastError ?? '',
      ]),
    ),
  );
}

export function renderOutbox(container: HTMLElement, actor: ActorInspection | undefined): void {
  if (!actor || (actor.unpublished.length === 0 && actor.deadLetters.length === 0)) {
    container.replaceChildren(none('nothing unpublished, no dead letters'));
    return;
  }
  const rows = [
    ...actor.unpublished.map((event) => [
      'unpublished',
      event.type,
      ago(event.createdAt),
      event.lastError ?? `${event.attempts} attempts`,
    ]),
    ...actor.deadLetters.map((letter) => [
      `dead letter (${letter.status})`,
      letter.topic,
      ago(letter.failedAt),
      `${letter.reasonCode}: ${letter.reason}`,
    ]),
  ];
  container.replaceChildren(table(['', 'event / topic', 'since', 'detail'], rows));
}
