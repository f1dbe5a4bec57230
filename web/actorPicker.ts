/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { byId, element } from './element.ts';
import { ago } from './timeFormat.ts';
import type { ActorSummary, TrackOpsClient } from './vizClient.ts';

/**
 * The left panel: find an actor by type and id, or pick one from the recent and stuck lists (`actors.list`), or
 * pick a machine to see it drawn without an actor. The lists refresh on their own every few seconds.
 */
export type Selection =
  | { readonly kind: 'actor'; readonly type: string; readonly id: string }
  | { readonly kind: 'machine'; readonly name: string };

export interface ActorPicker {
  /** Marks the current selection in the lists and fills the search form with it. */
  select(selection: Selection | undefined): void;
  refresh(): Promise<void>;
}

const LIST_LIMIT = 15;
const REFRESH_EVERY_MS = 10_000;
const STUCK_MINUTES_KEY = 'trackops.viz.stuckMinutes';
const DEFAULT_STUCK_MINUTES = 5;

export const selectionKey = (selection: Selection | undefined): string =>
  selection === undefined
    ? ''
    : selection.kind === 'actor'
      ? `actor:${selection.type}/${selection.id}`
      : `machine:${selection.name}`;

export async function createActorPicker(
  client: TrackOpsClient,
  options: { onSelect(selection: Selection): void; onError(what: string, error: unknown): void },
): Promise<ActorPicker> {
  const form = byId<HTMLFormElement>('find');
  const typeSelect = byId<HTMLSelectElement>('actor-type');
  const idInput = byId<HTMLInputElement>('actor-id');
  const recentList = byId<HTMLUListElement>('recent-list');
  const stuckList = byId<HTMLUListElement>('stuck-list');
  const machineList = byId<HTMLUListElement>('machine-list');
  const stuckMinutes = byId<HTMLInputElement>('stuck-minutes');
  let selected = '';

  stuckMinutes.value = localStorage.getItem(STUCK_MINUTES_KEY) ?? String(DEFAULT_STUCK_MINUTES);
  const minutes = () => {
    const value = Number(stuckMinutes.value);
    return Number.isFinite(value) && value >= 0 ? value : DEFAULT_STUCK_MINUTES;
  };

  function markSelected(): void {
    for (const button of document.querySelectorAll<HTMLButtonElement>('.picklist button[data-key]')) {
      button.classList.toggle('selected', button.dataset['key'] === selected);
    }
  }

  function pickButton(selection: Selection, testId: string, content: (Node | string)[]): HTMLLIElement {
    const key = selectionKey(selection);
    const button = element('button', { testId, data: { key }, attributes: { type: 'button' } }, content);
    button.classList.toggle('selected', key === selected);
    button.addEventListener('click', () => options.onSelect(selection));
    return element('li', {}, [button]);
  }

  function actorItems(actors: readonly ActorSummary[], testId: string, empty: string): HTMLLIElement[] {
    if (actors.length === 0) return [element('li', { className: 'empty', text: empty })];
    return actors.map((actor) =>
      pickButton({ kind: 'actor', type: actor.type, id: actor.id }, testId, [
        element('span', { className: 'id', text: actor.id, title: actor.id }),
        element('span', { className: 'badge', text: actor.state }),
        element('span', {
          className: 'meta',
          text: `${actor.type} · v${actor.version} · ${ago(actor.updatedAt)}`,
        }),
      ]),
    );
  }

  async function refreshActors(): Promise<void> {
    const stuckForMs = Math.round(minutes() * 60_000);
    const [recent, stuck] = await Promise.all([
      client.actors.list.query({ limit: LIST_LIMIT }),
      client.actors.list.query({ limit: LIST_LIMIT, stuckForMs }),
    ]);
    recentList.replaceChildren(...actorItems(recent, 'recent-actor', 'no actors yet'));
    stuckList.replaceChildren(...actorItems(stuck, 'stuck-actor', `none idle for ${minutes()} min or more`));
  }

  const refresh = () => refreshActors().catch((error: unknown) => options.onError('actor lists', error));

  const [types, machines] = await Promise.all([client.actors.types.query(), client.machines.list.query()]);
  typeSelect.replaceChildren(
    ...types.map((type) => element('option', { text: type, attributes: { value: type } })),
  );
  machineList.replaceChildren(
    ...machines.map((machine) =>
      pickButton({ kind: 'machine', name: machine.name }, 'machine-item', [
        element('span', { className: 'id', text: machine.name }),
        element('span', { className: 'badge', text: machine.version === null ? '' : `v${machine.version}` }),
      ]),
    ),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = idInput.value.trim();
    if (id !== '') options.onSelect({ kind: 'actor', type: typeSelect.value, id });
  });
  stuckMinutes.addEventListener('change', () => {
    localStorage.setItem(STUCK_MINUTES_KEY, String(minutes()));
    void refresh();
  });
  byId('refresh-lists').addEventListener('click', () => void refresh());
  setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
  }, REFRESH_EVERY_MS);
  await refresh();

  return {
    select(selection) {
      selected = selectionKey(selection);
      if (selection?.kind === 'actor') {
        if (types.includes(selection.type)) typeSelect.value = selection.type;
        idInput.value = selection.id;
      }
      markSelected();
    },
    refresh,
  };
}
