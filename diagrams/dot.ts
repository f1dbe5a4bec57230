import type { MachineGraph, StateGraphNode, TransitionEdge } from './machineGraph.ts';
import {
  ANY_STATE_LABEL,
  drawnTargetsOf,
  flattenStates,
  hasMachineLevelTransitions,
  isContainer,
} from './stateTree.ts';
import { transitionLabel } from './transitionLabel.ts';

/**
 * A machine graph as Graphviz DOT: a compound state is a `subgraph cluster_*`. Graphviz cannot attach an edge
 * to a cluster, so each cluster holds an invisible anchor node named by the state id, and edges to or from
 * the state end at the anchor, clipped to the cluster border by `lhead`/`ltail` (which need `compound=true`).
 */

const INDENT = '  ';
const FONT = 'Helvetica';

/**
 * Inside a quoted DOT string only `\"` is an escape, so a backslash right before the closing quote would
 * swallow it: backslashes become a look-alike instead of being escaped.
 */
export function dotQuote(text: string): string {
  return `"${text.replace(/\\/g, '⧵').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

const attributes = (entries: Record<string, string | number | undefined>): string =>
  `[${Object.entries(entries)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${typeof value === 'number' ? value : dotQuote(value)}`)
    .join(', ')}]`;

const clusterName = (stateId: string) => `cluster_${stateId}`;
const initialMarkerId = (containerId: string) => `${containerId}.__initial__`;

function initialLines(containerId: string, initial: string | undefined, indent: string): string[] {
  if (initial === undefined) return [];
  const marker = dotQuote(initialMarkerId(containerId));
  return [
    `${indent}${marker} ${attributes({ shape: 'point', width: 0.15, label: '' })};`,
    `${indent}${marker} -> ${dotQuote(initial)};`,
  ];
}

function stateLines(state: StateGraphNode, indent: string): string[] {
  const id = dotQuote(state.id);
  if (!isContainer(state)) {
    const shape =
      state.kind === 'history'
        ? { shape: 'circle', label: state.history === 'deep' ? 'H*' : 'H' }
        : { label: state.key, ...(state.kind === 'final' ? { peripheries: 2 } : {}) };
    return [`${indent}${id} ${attributes({ ...shape, tooltip: state.description ?? state.id })};`];
  }
  const inner = indent + INDENT;
  return [
    `${indent}subgraph ${dotQuote(clusterName(state.id))} {`,
    `${inner}label=${dotQuote(state.key)};`,
    `${inner}style=${dotQuote(state.kind === 'parallel' ? 'rounded,dashed' : 'rounded')};`,
    `${inner}${id} ${attributes({ shape: 'point', style: 'invis', width: 0, label: '' })};`,
    ...initialLines(state.id, state.initial, inner),
    ...state.children.flatMap((child) => stateLines(child, inner)),
    `${indent}}`,
  ];
}

function edgeLines(transition: TransitionEdge, clustered: ReadonlySet<string>): string[] {
  return drawnTargetsOf(transition).map((target) => {
    // A loop on a compound state stays on its anchor: clipping it to its own cluster is an error to Graphviz.
    const isLoop = target === transition.source;
    const clip = isLoop
      ? {}
      : {
          ...(clustered.has(transition.source) ? { ltail: clusterName(transition.source) } : {}),
          ...(clustered.has(target) ? { lhead: clusterName(target) } : {}),
        };
    const style = transition.kind === 'event' ? {} : { style: 'dashed' };
    const label = attributes({ label: transitionLabel(transition), ...style, ...clip });
    return `${INDENT}${dotQuote(transition.source)} -> ${dotQuote(target)} ${label};`;
  });
}

export function toDot(graph: MachineGraph): string {
  const clustered = new Set(
    flattenStates(graph.states)
      .filter(({ state }) => isContainer(state))
      .map(({ state }) => state.id),
  );
  const anyState = hasMachineLevelTransitions(graph)
    ? [`${INDENT}${dotQuote(graph.id)} ${attributes({ label: ANY_STATE_LABEL, shape: 'plaintext' })};`]
    : [];
  return [
    `digraph ${dotQuote(graph.id)} {`,
    `${INDENT}graph ${attributes({ compound: 'true', label: graph.id, labelloc: 't', fontname: FONT })};`,
    `${INDENT}node ${attributes({ shape: 'box', style: 'rounded', fontname: FONT, fontsize: 11 })};`,
    `${INDENT}edge ${attributes({ fontname: FONT, fontsize: 9 })};`,
    ...anyState,
    ...initialLines(graph.id, graph.initial, INDENT),
    ...graph.states.flatMap((state) => stateLines(state, INDENT)),
    ...graph.transitions.flatMap((transition) => edgeLines(transition, clustered)),
    '}',
    '',
  ].join('\n');
}
