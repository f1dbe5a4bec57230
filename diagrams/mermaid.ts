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
 * A machine graph as a mermaid `stateDiagram-v2`: compound states nest in `state X { }`, `[*]` marks initial
 * and final states, and each transition sits in the block of the innermost state that contains both its ends
 * (a relation written outside that block makes mermaid draw a second copy of a nested state).
 */

const INDENT = '  ';
/** Words mermaid's lexer reads as keywords (`default` even as a prefix) where a statement starts. */
const RESERVED_PREFIX = /^default|^(state|note|class|classdef|scale|direction|hide)$/i;

function baseMermaidId(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) || RESERVED_PREFIX.test(cleaned) ? `_${cleaned}` : cleaned;
}

/** Full ids -> mermaid identifiers, made unique (`a.b_c` and `a_b.c` both clean to `a_b_c`). */
function mermaidIds(graph: MachineGraph): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of [graph.id, ...flattenStates(graph.states).map(({ state }) => state.id)]) {
    const base = baseMermaidId(id);
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    ids.set(id, candidate);
  }
  return ids;
}

/** A state's caption sits in a quoted string, which ends at the next `"`. */
const stateCaption = (text: string) => text.replace(/"/g, "'").replace(/\s+/g, ' ');

/** A transition's caption runs from `:` to the end of the line and may hold no further `:` or `;`. */
const transitionCaption = (text: string) =>
  text.replace(/:/g, '∶').replace(/;/g, ',').replace(/%%/g, '% %').replace(/\s+/g, ' ');

function captionOf(state: StateGraphNode): string {
  if (state.kind !== 'history') return state.key;
  return `${state.key} (${state.history === 'deep' ? 'H*' : 'H'})`;
}

/** The innermost state strictly containing every end of the transition; undefined is the top level. */
function blockOf(
  transition: TransitionEdge,
  parents: ReadonlyMap<string, string | undefined>,
): string | undefined {
  const ancestors = (id: string): (string | undefined)[] => {
    const chain: (string | undefined)[] = [];
    for (let parent = parents.get(id); parent !== undefined; parent = parents.get(parent)) chain.push(parent);
    return [...chain, undefined];
  };
  const [first, ...rest] = [transition.source, ...drawnTargetsOf(transition)].map(ancestors);
  return first?.find((candidate) => rest.every((chain) => chain.includes(candidate)));
}

interface Context {
  readonly ids: ReadonlyMap<string, string>;
  readonly transitionsByBlock: ReadonlyMap<string | undefined, TransitionEdge[]>;
}

function transitionLines(transition: TransitionEdge, context: Context, indent: string): string[] {
  const source = context.ids.get(transition.source);
  const caption = transitionCaption(transitionLabel(transition));
  return drawnTargetsOf(transition).map(
    (target) => `${indent}${source} --> ${context.ids.get(target)} : ${caption}`,
  );
}

function stateLines(state: StateGraphNode, context: Context, indent: string): string[] {
  const id = context.ids.get(state.id);
  const declaration = `${indent}state "${stateCaption(captionOf(state))}" as ${id}`;
  const final = state.kind === 'final' ? [`${indent}${id} --> [*]`] : [];
  if (!isContainer(state)) return [declaration, ...final];
  const body = blockLines(
    {
      container: state.id,
      children: state.children,
      initial: state.initial,
      parallel: state.kind === 'parallel',
    },
    context,
    indent + INDENT,
  );
  return [`${declaration} {`, ...body, `${indent}}`, ...final];
}

interface Block {
  readonly container: string | undefined;
  readonly children: readonly StateGraphNode[];
  readonly initial: string | undefined;
  readonly parallel: boolean;
}

function blockLines(block: Block, context: Context, indent: string): string[] {
  const initial = block.initial === undefined ? [] : [`${indent}[*] --> ${context.ids.get(block.initial)}`];
  // Regions of a parallel state are separated by `--`, which mermaid allows only inside a `state { }` block.
  const separator = block.parallel && block.container !== undefined ? [`${indent}--`] : [];
  const children = block.children.flatMap((child, index) => [
    ...(index > 0 ? separator : []),
    ...stateLines(child, context, indent),
  ]);
  const transitions = (context.transitionsByBlock.get(block.container) ?? []).flatMap((transition) =>
    transitionLines(transition, context, indent),
  );
  return [...initial, ...children, ...transitions];
}

export function toMermaid(graph: MachineGraph): string {
  const ids = mermaidIds(graph);
  const parents = new Map(flattenStates(graph.states).map(({ state, parent }) => [state.id, parent]));
  const transitionsByBlock = new Map<string | undefined, TransitionEdge[]>();
  for (const transition of graph.transitions) {
    const block = blockOf(transition, parents);
    transitionsByBlock.set(block, [...(transitionsByBlock.get(block) ?? []), transition]);
  }
  const anyState = hasMachineLevelTransitions(graph)
    ? [`${INDENT}state "${ANY_STATE_LABEL}" as ${ids.get(graph.id)}`]
    : [];
  const top = { container: undefined, children: graph.states, initial: graph.initial, parallel: false };
  return ['stateDiagram-v2', ...anyState, ...blockLines(top, { ids, transitionsByBlock }, INDENT), ''].join(
    '\n',
  );
}
