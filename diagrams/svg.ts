import type { Box, Point, PositionedGraph, PositionedState, PositionedTransition } from './layout.ts';
import { ANY_STATE_LABEL } from './stateTree.ts';

/**
 * A laid-out machine graph as one standalone SVG string: no DOM and no Node APIs, so the server can send it
 * and the browser can render it from a graph fetched live. Every state is a group of class `state` with its
 * id in `data-state`, so a page can restyle the active states without drawing again; `highlight` marks them
 * `active` up front.
 */

export interface SvgOptions {
  /** State ids to mark `active` (e.g. every state in the actor's current configuration). */
  readonly highlight?: readonly string[];
}

const FONT_SIZE = 12;
const INITIAL_RADIUS = 6;
const FINAL_INSET = 4;

// Scoped to .machine-diagram because a <style> inside an inline SVG applies to the whole HTML page.
const STYLE = `
.machine-diagram { font-family: system-ui, Helvetica, Arial, sans-serif; font-size: ${FONT_SIZE}px; }
.machine-diagram text { fill: #1f2933; dominant-baseline: central; }
.machine-diagram .state > .box, .machine-diagram .state > .inner {
  fill: #ffffff; stroke: #52606d; stroke-width: 1.5;
}
.machine-diagram .state.container > .box { fill: #f5f7fa; }
.machine-diagram .state.parallel > .box { stroke-dasharray: 6 4; }
.machine-diagram .state.final > .inner { fill: none; }
.machine-diagram .state > .caption { font-weight: 600; }
.machine-diagram .state.active > .box { fill: #2563eb; stroke: #1e40af; stroke-width: 2.5; }
.machine-diagram .state.active > text { fill: #ffffff; font-weight: 600; }
.machine-diagram .state.active > .inner { stroke: #ffffff; }
.machine-diagram .state.container.active > .box { fill: #dbeafe; }
.machine-diagram .state.container.active > text { fill: #1e40af; }
.machine-diagram .transition { fill: none; stroke: #7b8794; stroke-width: 1.25; }
.machine-diagram .transition.after, .machine-diagram .transition.always { stroke-dasharray: 5 3; }
.machine-diagram .transition-label > rect { fill: #ffffff; fill-opacity: 0.9; }
.machine-diagram .transition-label > text { font-size: ${FONT_SIZE - 1}px; fill: #3e4c59; }
.machine-diagram .initial { fill: #1f2933; }
.machine-diagram .initial-arrow { fill: none; stroke: #1f2933; stroke-width: 1.25; }
.machine-diagram .any-state > rect { fill: none; stroke: #9aa5b1; stroke-dasharray: 2 3; }
.machine-diagram .arrowhead { fill: #7b8794; }
`;

/** XML 1.0 forbids most control characters even when escaped, so they are dropped. */
function isXmlChar(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20) return code === 0x9 || code === 0xa || code === 0xd;
  return code !== 0xfffe && code !== 0xffff;
}

/** Text and attribute values alike: nothing a state key or a guard says can break the markup. */
export function escapeXml(text: string): string {
  return [...text]
    .filter(isXmlChar)
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const round = (value: number) => Math.round(value * 10) / 10;

function element(
  name: string,
  attributes: Record<string, string | number | undefined>,
  content = '',
): string {
  const rendered = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === 'number' ? round(value) : escapeXml(value)}"`)
    .join('');
  return content === '' ? `<${name}${rendered}/>` : `<${name}${rendered}>${content}</${name}>`;
}

const title = (text: string) => `<title>${escapeXml(text)}</title>`;

const rect = (box: Box, className: string | undefined, radius: number) =>
  element('rect', { class: className, x: box.x, y: box.y, width: box.width, height: box.height, rx: radius });

const centredText = (box: Box, text: string) =>
  element(
    'text',
    { x: box.x + box.width / 2, y: box.y + box.height / 2, 'text-anchor': 'middle' },
    escapeXml(text),
  );

const inset = (box: Box, by: number): Box => ({
  x: box.x + by,
  y: box.y + by,
  width: box.width - 2 * by,
  height: box.height - 2 * by,
});

function stateShape(state: PositionedState): string {
  if (state.container) {
    const caption = state.caption ?? { x: state.x + 12, y: state.y + 4, width: 0, height: 20 };
    const captionText = element(
      'text',
      { class: 'caption', x: caption.x + 6, y: caption.y + caption.height / 2 },
      escapeXml(state.key),
    );
    return rect(state, 'box', 12) + captionText;
  }
  if (state.kind === 'history') {
    const r = Math.min(state.width, state.height) / 2;
    const circle = element('circle', { class: 'box', cx: state.x + r, cy: state.y + r, r });
    return circle + centredText(state, state.history === 'deep' ? 'H*' : 'H');
  }
  const box = rect(state, 'box', 8);
  const inner = state.kind === 'final' ? rect(inset(state, FINAL_INSET), 'inner', 5) : '';
  return box + inner + centredText(state, state.key);
}

function stateGroup(state: PositionedState, active: ReadonlySet<string>): string {
  const classes = [
    'state',
    state.kind,
    state.container ? 'container' : '',
    active.has(state.id) ? 'active' : '',
  ];
  const tooltip = state.description ? `${state.id}: ${state.description}` : state.id;
  const attributes = { class: classes.filter(Boolean).join(' '), 'data-state': state.id };
  return element('g', attributes, title(tooltip) + stateShape(state));
}

const pathData = (points: readonly Point[]) =>
  points.map((point, index) => `${index === 0 ? 'M' : 'L'}${round(point.x)} ${round(point.y)}`).join(' ');

function transitionPath(transition: PositionedTransition, markerId: string): string {
  if (transition.points.length < 2) return '';
  const actions = transition.actions.length > 0 ? ` / ${transition.actions.join(', ')}` : '';
  const description = transition.description ? `\n${transition.description}` : '';
  const attributes = {
    class: `transition ${transition.kind}`,
    d: pathData(transition.points),
    'marker-end': `url(#${markerId})`,
    'data-transition': transition.id,
    'data-source': transition.source,
    'data-target': transition.target,
  };
  return element('path', attributes, title(`${transition.label}${actions}${description}`));
}

function transitionCaption(transition: PositionedTransition): string {
  if (!transition.labelBox) return '';
  const attributes = { class: 'transition-label', 'data-transition': transition.id };
  return element(
    'g',
    attributes,
    rect(transition.labelBox, undefined, 3) + centredText(transition.labelBox, transition.label),
  );
}

function initialMarkers(graph: PositionedGraph, markerId: string): string {
  return graph.initials
    .map((initial) => {
      const r = Math.min(INITIAL_RADIUS, initial.width / 2);
      const dot = element('circle', {
        class: 'initial',
        cx: initial.x + initial.width / 2,
        cy: initial.y + initial.height / 2,
        r,
      });
      const arrow =
        initial.points.length < 2
          ? ''
          : element('path', {
              class: 'initial-arrow',
              d: pathData(initial.points),
              'marker-end': `url(#${markerId}-initial)`,
            });
      return element('g', { class: 'initial-marker', 'data-initial-of': initial.container }, dot + arrow);
    })
    .join('');
}

function anyStateNode(graph: PositionedGraph): string {
  if (!graph.anyState) return '';
  const shape = rect(graph.anyState, undefined, 8) + centredText(graph.anyState, ANY_STATE_LABEL);
  return element('g', { class: 'any-state', 'data-any-state': graph.id }, shape);
}

function arrowMarker(id: string, className: string): string {
  const head = element('path', { class: className, d: 'M0 0 L10 5 L0 10 z' });
  const attributes = {
    id,
    viewBox: '0 0 10 10',
    refX: 10,
    refY: 5,
    markerWidth: 8,
    markerHeight: 8,
    orient: 'auto-start-reverse',
  };
  return element('marker', attributes, head);
}

export function renderSvg(positioned: PositionedGraph, options: SvgOptions = {}): string {
  const active = new Set(options.highlight ?? []);
  // Marker ids are document-wide: one per machine, so several diagrams can share a page.
  const markerId = `arrow-${positioned.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const byDepth = [...positioned.states].sort((a, b) => a.depth - b.depth);
  // Containers first and leaves last, so edges run over container backgrounds but under the states they join.
  const containers = byDepth.filter((state) => state.container).map((state) => stateGroup(state, active));
  const leaves = byDepth.filter((state) => !state.container).map((state) => stateGroup(state, active));
  const width = Math.ceil(positioned.width);
  const height = Math.ceil(positioned.height);
  const defs = arrowMarker(markerId, 'arrowhead') + arrowMarker(`${markerId}-initial`, 'initial');
  const svgAttributes = {
    xmlns: 'http://www.w3.org/2000/svg',
    class: 'machine-diagram',
    'data-machine': positioned.id,
    'data-version': positioned.version,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
  };
  const body = [
    `<style>${STYLE}</style>`,
    `<defs>${defs}</defs>`,
    `<g class="containers">${containers.join('')}</g>`,
    `<g class="transitions">${positioned.transitions.map((t) => transitionPath(t, markerId)).join('')}</g>`,
    `<g class="initials">${initialMarkers(positioned, markerId)}</g>`,
    `<g class="states">${anyStateNode(positioned)}${leaves.join('')}</g>`,
    `<g class="transition-labels">${positioned.transitions.map(transitionCaption).join('')}</g>`,
  ];
  return element('svg', svgAttributes, body.join(''));
}
