/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { element } from './element.ts';
import { localTime } from './timeFormat.ts';
import type { JournalEntry } from './vizClient.ts';

/**
 * The actor's journal as a timeline, newest first: one button per turn (version, message, state before -> after,
 * node, duration, time, sender). Clicking one asks for the actor at that version.
 */
export interface TimelineOptions {
  /** The live version, marked `current`. */
  readonly liveVersion?: number;
  /** The version being viewed (time travel), marked `selected`. */
  readonly selectedVersion?: number;
  readonly onSelect: (version: number) => void;
}

function entryItem(entry: JournalEntry, options: TimelineOptions): HTMLLIElement {
  const move = element('span', { className: 'move' }, [
    element('b', { text: entry.stateBefore ?? '(new)' }),
    ' → ',
    element('b', { text: entry.stateAfter }),
  ]);
  const meta = [
    entry.nodeId,
    `${entry.durationMs < 10 ? entry.durationMs.toFixed(1) : Math.round(entry.durationMs)} ms`,
    ...(entry.sentBy ? [`sent by ${entry.sentBy}`] : []),
    ...(entry.emitted.length > 0 ? [`emitted ${entry.emitted.join(', ')}`] : []),
  ].join(' · ');
  const button = element(
    'button',
    {
      testId: 'timeline-entry',
      data: { version: String(entry.version), messageType: entry.messageType },
      title: `message ${entry.messageId}\ncorrelation ${entry.correlationId}`,
      attributes: { type: 'button' },
    },
    [
      element('span', { className: 'version', text: `v${entry.version}` }),
      element('span', { className: 'message', text: entry.messageType }),
      element('span', { className: 'when', text: localTime(entry.at) }),
      move,
      element('span', { className: 'meta', text: meta }),
    ],
  );
  button.classList.toggle('current', entry.version === options.liveVersion);
  button.classList.toggle('selected', entry.version === options.selectedVersion);
  button.addEventListener('click', () => options.onSelect(entry.version));
  return element('li', {}, [button]);
}

export function renderTimeline(
  list: HTMLOListElement,
  entries: readonly JournalEntry[],
  options: TimelineOptions,
): void {
  if (entries.length === 0) {
    list.replaceChildren(element('li', { className: 'muted', text: 'no journal entries' }));
    return;
  }
  const newestFirst = [...entries].sort((a, b) => b.version - a.version);
  list.replaceChildren(...newestFirst.map((entry) => entryItem(entry, options)));
}
