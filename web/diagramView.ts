/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { layoutGraph } from '../diagrams/layout.ts';
import { renderSvg } from '../diagrams/svg.ts';
import { element } from './element.ts';
import type { TrackOpsClient } from './vizClient.ts';

/**
 * The main panel's diagram: a machine fetched from `machines.graph`, laid out by ELK and rendered to SVG once per
 * machine (cached for the page's life), then highlighted by toggling `active` on its state groups, never redrawn.
 */
export interface DiagramView {
  /** Draws the machine (unless a later `show` asked for another one meanwhile); resolves with its machine id. */
  show(machineName: string): Promise<string>;
  /** Marks exactly these state ids active. */
  highlight(stateIds: readonly string[]): void;
  clear(message: string): void;
}

interface Drawn {
  readonly machineId: string;
  readonly svg: string;
}

export function createDiagramView(container: HTMLElement, client: TrackOpsClient): DiagramView {
  const cache = new Map<string, Promise<Drawn>>();
  let requested: string | undefined;
  let shown: string | undefined;
  let highlighted: readonly string[] = [];

  function draw(name: string): Promise<Drawn> {
    let drawing = cache.get(name);
    if (!drawing) {
      drawing = (async () => {
        const graph = await client.machines.graph.query({ name });
        return { machineId: graph.id, svg: renderSvg(await layoutGraph(graph)) };
      })();
      cache.set(name, drawing);
      // A failed layout or fetch is not cached: picking the machine again retries.
      void drawing.catch(() => cache.delete(name));
    }
    return drawing;
  }

  function applyHighlight(): void {
    const active = new Set(highlighted);
    let deepest: Element | undefined;
    for (const group of container.querySelectorAll('g.state[data-state]')) {
      const isActive = active.has(group.getAttribute('data-state') ?? '');
      group.classList.toggle('active', isActive);
      if (isActive && !group.classList.contains('container')) deepest = group;
    }
    container.dataset['active'] = highlighted.join(' ');
    deepest?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  return {
    async show(name) {
      requested = name;
      const drawn = await draw(name);
      if (requested === name && shown !== name) {
        container.innerHTML = drawn.svg;
        container.dataset['machine'] = name;
        shown = name;
        applyHighlight();
      }
      return drawn.machineId;
    },
    highlight(stateIds) {
      highlighted = [...stateIds];
      applyHighlight();
    },
    clear(message) {
      requested = undefined;
      shown = undefined;
      highlighted = [];
      delete container.dataset['machine'];
      delete container.dataset['active'];
      container.replaceChildren(element('div', { className: 'placeholder', text: message }));
    },
  };
}
