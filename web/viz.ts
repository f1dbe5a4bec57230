/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { activeStateIds } from './activeStates.ts';
import { renderContext, renderOutbox, renderTimers } from './actorDetails.ts';
import { type ActorPicker, createActorPicker, type Selection, selectionKey } from './actorPicker.ts';
import { createDiagramView } from './diagramView.ts';
import { byId, element } from './element.ts';
import { localTime } from './timeFormat.ts';
import { renderTimeline } from './timeline.ts';
import {
  type ActorAtVersion,
  type ActorInspection,
  type ActorUpdate,
  createVizClient,
  type JournalEntry,
} from './vizClient.ts';

/**
 * The visualizer page (`/viz`, bundled by web/vizRoutes.ts). Pick an actor: its machine is drawn and its current
 * state highlighted live (`actors.watch`), beside its context, timers and journal. Click a journal entry to see the
 * actor at that version (`actors.at`) until "back to live". Pick a machine to see it drawn on its own. The
 * selection lives in the URL hash (`#/actor/<type>/<id>`, `#/machine/<name>`), so a view can be shared.
 */
const JOURNAL_PAGE = 50;
const JOURNAL_MAX = 500;

interface ActorView {
  readonly type: string;
  readonly id: string;
  machineId?: string;
  live?: ActorUpdate;
  inspection?: ActorInspection;
  journal: JournalEntry[];
  journalLimit: number;
  viewing?: ActorAtVersion;
  stop?: () => void;
  refreshing?: Promise<void>;
  refreshAgain?: boolean;
}

const client = createVizClient();
const diagram = createDiagramView(byId('diagram'), client);
const ui = {
  status: byId('status'),
  title: byId('title'),
  state: byId('state'),
  versionFact: byId('version-fact'),
  version: byId('version-fact').querySelector('b') as HTMLElement,
  hostFact: byId('host-fact'),
  host: byId('host-fact').querySelector('b') as HTMLElement,
  live: byId('live'),
  timeTravel: byId('time-travel'),
  timeTravelLabel: byId('time-travel').querySelector('[data-testid="time-travel-label"]') as HTMLElement,
  timeTravelDetail: byId('time-travel-detail'),
  diagramTitle: byId('diagram-title'),
  diagram: byId('diagram'),
  fit: byId<HTMLInputElement>('fit'),
  context: byId('context'),
  contextLabel: byId('context-label'),
  timers: byId('timers'),
  outbox: byId('outbox'),
  timeline: byId<HTMLOListElement>('timeline'),
  timelineMore: byId<HTMLButtonElement>('timeline-more'),
};

let selection: Selection | undefined;
let view: ActorView | undefined;
let picker: ActorPicker | undefined;

function showStatus(text: string, isError = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
  ui.status.title = text;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown): string | undefined =>
  (error as { data?: { code?: string } } | undefined)?.data?.code;

function reportError(what: string, error: unknown): void {
  if (codeOf(error) === 'UNAUTHORIZED') endSession();
  else showStatus(`${what}: ${messageOf(error)}`, true);
}

/**
 * The API refused this browser's key (revoked since it logged in): stop the live view, and say so with a link to
 * the login page (the server drops the refused cookie when it serves it).
 */
function endSession(): void {
  if (document.body.dataset['session'] === 'ended') return;
  document.body.dataset['session'] = 'ended';
  view?.stop?.();
  setLive('error', 'disconnected');
  showStatus('');
  byId('session-ended').hidden = false;
}

/** A live connection that fails does not say why; ask whether the session still holds (web/vizRoutes.ts). */
async function checkSession(): Promise<void> {
  try {
    const response = await fetch('/viz/session', { cache: 'no-store' });
    if (response.status === 401) endSession();
  } catch {
    // The server is unreachable: the live dot already says so.
  }
}

function setLive(state: 'off' | 'connecting' | 'live' | 'error', text: string = state): void {
  ui.live.hidden = state === 'off';
  ui.live.dataset['live'] = state;
  ui.live.textContent = text;
}

function setFact(fact: HTMLElement, value: HTMLElement, text: string | undefined): void {
  fact.hidden = text === undefined;
  value.textContent = text ?? '';
}

/** What the main panel shows for the actor: the version being viewed, or else the live state. */
function renderActor(v: ActorView): void {
  const shown = v.viewing ?? v.live;
  const stateValue = shown?.stateValue;
  const stateName = v.viewing ? v.viewing.stateAfter : v.live?.state;
  ui.state.hidden = stateName === undefined;
  ui.state.textContent = stateName ?? '';
  setFact(ui.versionFact, ui.version, shown ? String(shown.version) : undefined);
  setFact(ui.hostFact, ui.host, v.inspection ? (v.inspection.host ?? 'not hosted (passivated)') : undefined);
  if (v.machineId !== undefined) diagram.highlight(activeStateIds(v.machineId, stateValue));
  renderContext(ui.context, shown?.context);
  ui.timeTravel.hidden = v.viewing === undefined;
  ui.diagram.classList.toggle('viewing', v.viewing !== undefined);
  if (v.viewing) {
    ui.timeTravelLabel.textContent = `viewing version ${v.viewing.version}`;
    const live = v.live ? ` · live is at version ${v.live.version} (${v.live.state})` : '';
    ui.timeTravelDetail.textContent = `after ${v.viewing.messageType} at ${localTime(v.viewing.at)}${live}`;
    ui.contextLabel.textContent = `at version ${v.viewing.version}`;
  } else {
    ui.contextLabel.textContent = v.live ? `live · version ${v.live.version}` : '';
  }
  renderTimers(ui.timers, v.inspection?.timers);
  renderOutbox(ui.outbox, v.inspection);
  renderTimeline(ui.timeline, v.journal, {
    ...(v.live ? { liveVersion: v.live.version } : {}),
    ...(v.viewing ? { selectedVersion: v.viewing.version } : {}),
    onSelect: (version) => void viewVersion(v, version),
  });
  const oldest = v.journal.at(-1)?.version ?? 1;
  ui.timelineMore.hidden = v.journal.length < v.journalLimit || oldest <= 1 || v.journalLimit >= JOURNAL_MAX;
}

/** Re-reads what the watch stream does not carry (host, timers, outbox, journal); one read at a time per actor. */
function refreshDetails(v: ActorView): Promise<void> {
  if (v.refreshing) {
    v.refreshAgain = true;
    return v.refreshing;
  }
  v.refreshing = (async () => {
    do {
      v.refreshAgain = false;
      const ref = { type: v.type, id: v.id };
      const [inspection, journal] = await Promise.allSettled([
        client.actors.inspect.query(ref),
        client.actors.journal.query({ ...ref, limit: v.journalLimit }),
      ]);
      if (view !== v) return;
      if (inspection.status === 'fulfilled') v.inspection = inspection.value;
      else if (codeOf(inspection.reason) === 'NOT_FOUND') {
        showStatus(`${v.type} ${v.id} does not exist (yet): watching for it`);
      } else reportError('inspect', inspection.reason);
      if (journal.status === 'fulfilled') v.journal = journal.value;
      else reportError('journal', journal.reason);
      renderActor(v);
    } while (v.refreshAgain && view === v);
  })().finally(() => {
    v.refreshing = undefined;
  });
  return v.refreshing;
}

function onUpdate(v: ActorView, update: ActorUpdate): void {
  if (view !== v) return;
  // A reconnect starts again from the current state: never step back.
  if (v.live && update.version < v.live.version) return;
  if (!v.live) showStatus('');
  v.live = update;
  setLive('live');
  renderActor(v);
  void refreshDetails(v);
}

async function viewVersion(v: ActorView, version: number): Promise<void> {
  try {
    const at = await client.actors.at.query({ type: v.type, id: v.id, version });
    if (view !== v) return;
    v.viewing = at;
    renderActor(v);
  } catch (error) {
    reportError(`version ${version}`, error);
  }
}

function backToLive(): void {
  if (!view?.viewing) return;
  view.viewing = undefined;
  renderActor(view);
}

function clearDetails(message: string): void {
  ui.state.hidden = true;
  setFact(ui.versionFact, ui.version, undefined);
  setFact(ui.hostFact, ui.host, undefined);
  ui.timeTravel.hidden = true;
  ui.diagram.classList.remove('viewing');
  ui.context.textContent = '—';
  ui.contextLabel.textContent = '';
  ui.timers.replaceChildren(message);
  ui.outbox.replaceChildren(message);
  ui.timeline.replaceChildren(message);
  ui.timelineMore.hidden = true;
}

async function openActor(v: ActorView): Promise<void> {
  ui.title.replaceChildren(`${v.type} `, element('span', { className: 'id', text: v.id }));
  ui.diagramTitle.textContent = `Machine: ${v.type}`;
  clearDetails('loading…');
  setLive('connecting', 'connecting');
  const subscription = client.actors.watch.subscribe(
    { type: v.type, id: v.id },
    {
      onData: (update) => onUpdate(v, update),
      onError: (error) => {
        if (view !== v) return;
        setLive('error', 'disconnected');
        reportError('live updates', error);
        void checkSession();
      },
      onConnectionStateChange: (state) => {
        if (view !== v) return;
        if (state.state === 'connecting' && state.error) void checkSession();
        if (state.state === 'connecting') setLive(state.error ? 'error' : 'connecting', 'reconnecting');
        else if (state.state === 'pending') setLive('live', 'live');
      },
    },
  );
  v.stop = () => subscription.unsubscribe();
  try {
    v.machineId = await diagram.show(v.type);
    if (view === v) renderActor(v);
  } catch (error) {
    reportError(`machine ${v.type}`, error);
  }
  await refreshDetails(v);
}

async function openMachine(name: string): Promise<void> {
  ui.title.textContent = `Machine ${name}`;
  ui.diagramTitle.textContent = `Machine: ${name}`;
  setLive('off');
  clearDetails('pick an actor to see this');
  try {
    await diagram.show(name);
    if (selection?.kind === 'machine' && selection.name === name) diagram.highlight([]);
  } catch (error) {
    reportError(`machine ${name}`, error);
  }
}

function hashOf(next: Selection): string {
  return next.kind === 'actor'
    ? `#/actor/${encodeURIComponent(next.type)}/${encodeURIComponent(next.id)}`
    : `#/machine/${encodeURIComponent(next.name)}`;
}

function selectionFromHash(hash: string): Selection | undefined {
  const [, kind, first, second] = hash.split('/');
  try {
    if (kind === 'actor' && first && second) {
      return { kind: 'actor', type: decodeURIComponent(first), id: decodeURIComponent(second) };
    }
    if (kind === 'machine' && first) return { kind: 'machine', name: decodeURIComponent(first) };
  } catch {
    // A malformed hash selects nothing.
  }
  return undefined;
}

function select(next: Selection): void {
  if (selectionKey(next) === selectionKey(selection)) return;
  selection = next;
  view?.stop?.();
  view = undefined;
  showStatus('');
  picker?.select(next);
  if (location.hash !== hashOf(next)) history.replaceState(null, '', hashOf(next));
  if (next.kind === 'machine') {
    void openMachine(next.name);
    return;
  }
  view = { type: next.type, id: next.id, journal: [], journalLimit: JOURNAL_PAGE };
  void openActor(view);
}

ui.fit.addEventListener('change', () => ui.diagram.classList.toggle('fit', ui.fit.checked));
byId('back-to-live').addEventListener('click', backToLive);
ui.timelineMore.addEventListener('click', () => {
  if (!view) return;
  view.journalLimit = Math.min(JOURNAL_MAX, view.journalLimit + JOURNAL_PAGE);
  void refreshDetails(view);
});
window.addEventListener('hashchange', () => {
  const fromHash = selectionFromHash(location.hash);
  if (fromHash) select(fromHash);
});

try {
  picker = await createActorPicker(client, { onSelect: select, onError: reportError });
  document.body.dataset['ready'] = 'true';
  const initial = selectionFromHash(location.hash);
  if (initial) select(initial);
} catch (error) {
  reportError('cannot reach the TrackOps API', error);
}
