// The bundled build runs ELK in-thread (no worker file to serve): one import for Node and browsers alike.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import type {
  MachineGraph,
  StateGraphNode,
  StateKind,
  TransitionEdge,
  TransitionKind,
} from './machineGraph.ts';
import { ANY_STATE_LABEL, drawnTargetsOf, hasMachineLevelTransitions, isContainer } from './stateTree.ts';
import { transitionLabel } from './transitionLabel.ts';

/**
 * Places a machine graph with ELK's `layered` algorithm: compound states are ELK nodes with children, laid
 * out together with their contents (`INCLUDE_CHILDREN`) so edges can cross levels, and every transition
 * carries its caption as an edge label that ELK keeps clear of nodes. Every coordinate returned is absolute.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box extends Point {
  readonly width: number;
  readonly height: number;
}

export interface PositionedState extends Box {
  readonly id: string;
  readonly key: string;
  readonly kind: StateKind;
  readonly history?: 'shallow' | 'deep';
  readonly description?: string;
  /** Whether it is drawn as a box around its children, its caption at the top. */
  readonly container: boolean;
  /** Where a container's caption goes (ELK leaves room for it above the children). */
  readonly caption?: Box;
  readonly parent?: string;
  readonly depth: number;
}

/** The dot an initial state is entered from, with its arrow. */
export interface PositionedInitial extends Box {
  /** The compound state (or the graph id, for the machine) whose initial state this marks. */
  readonly container: string;
  readonly target: string;
  readonly points: readonly Point[];
}

export interface PositionedTransition {
  /** Unique per drawn edge: a transition with several targets is drawn once per target. */
  readonly id: string;
  readonly transition: string;
  readonly source: string;
  readonly target: string;
  readonly kind: TransitionKind;
  readonly label: string;
  readonly labelBox?: Box;
  readonly points: readonly Point[];
  readonly actions: readonly string[];
  readonly description?: string;
}

export interface PositionedGraph {
  readonly id: string;
  readonly version?: string;
  readonly width: number;
  readonly height: number;
  readonly states: readonly PositionedState[];
  readonly initials: readonly PositionedInitial[];
  readonly transitions: readonly PositionedTransition[];
  /** The pseudo-node that transitions declared on the machine itself start from (its id is the graph id). */
  readonly anyState?: Box;
}

export interface LayoutOptions {
  /** Where transitions mostly point. Default `DOWN`. */
  readonly direction?: 'DOWN' | 'RIGHT' | 'UP' | 'LEFT';
  /** Estimated width of one character of a caption, in px; the renderer's font should match. Default 7. */
  readonly charWidth?: number;
  /** Height of one line of text, in px. Default 16. */
  readonly lineHeight?: number;
}

interface Metrics {
  readonly charWidth: number;
  readonly lineHeight: number;
}

const STATE_HEIGHT = 36;
const STATE_MIN_WIDTH = 72;
const STATE_PADDING_X = 16;
const HISTORY_SIZE = 32;
const INITIAL_SIZE = 12;
const LABEL_PADDING_X = 6;

/**
 * Targetless transitions are loops, and a state may have many (the sagas acknowledge most late facts): spread
 * over all four sides they stay close to the state instead of piling up in one wide row. A per-node option.
 */
const SELF_LOOPS_AROUND = {
  'elk.layered.edgeRouting.selfLoopDistribution': 'EQUALLY',
  'elk.layered.edgeRouting.selfLoopOrdering': 'STACKED',
};

const initialMarkerId = (containerId: string) => `${containerId}.__initial__`;
const textWidth = (text: string, metrics: Metrics) => Math.ceil(text.length * metrics.charWidth);

function labelOf(text: string, id: string, metrics: Metrics): ElkLabel {
  return { id, text, width: textWidth(text, metrics) + 2 * LABEL_PADDING_X, height: metrics.lineHeight };
}

function initialNode(containerId: string): ElkNode {
  return { id: initialMarkerId(containerId), width: INITIAL_SIZE, height: INITIAL_SIZE };
}

function initialEdge(containerId: string, target: string): ElkExtendedEdge {
  return { id: initialMarkerId(containerId), sources: [initialMarkerId(containerId)], targets: [target] };
}

function elkStateNode(state: StateGraphNode, metrics: Metrics): ElkNode {
  if (state.kind === 'history') return { id: state.id, width: HISTORY_SIZE, height: HISTORY_SIZE };
  if (!isContainer(state)) {
    const width = Math.max(STATE_MIN_WIDTH, textWidth(state.key, metrics) + 2 * STATE_PADDING_X);
    return { id: state.id, width, height: STATE_HEIGHT, layoutOptions: SELF_LOOPS_AROUND };
  }
  // The caption is an ELK node label placed inside at the top, so ELK makes room for it above the children.
  return {
    id: state.id,
    labels: [labelOf(state.key, `${state.id}.__caption__`, metrics)],
    layoutOptions: {
      'elk.padding': '[top=8,left=16,bottom=16,right=16]',
      'elk.nodeLabels.placement': '[H_LEFT, V_TOP, INSIDE]',
      'elk.nodeSize.constraints': '[NODE_LABELS]',
    },
    children: [
      ...(state.initial === undefined ? [] : [initialNode(state.id)]),
      ...state.children.map((child) => elkStateNode(child, metrics)),
    ],
  };
}

function elkEdges(transition: TransitionEdge, metrics: Metrics): ElkExtendedEdge[] {
  return drawnTargetsOf(transition).map((target, index) => {
    const id = `${transition.id}>${index}`;
    return {
      id,
      sources: [transition.source],
      targets: [target],
      labels: [labelOf(transitionLabel(transition), `${id}.__label__`, metrics)],
    };
  });
}

function initialEdgesUnder(states: readonly StateGraphNode[]): ElkExtendedEdge[] {
  return states.flatMap((state) => [
    ...(state.initial === undefined ? [] : [initialEdge(state.id, state.initial)]),
    ...initialEdgesUnder(state.children),
  ]);
}

function elkGraphOf(graph: MachineGraph, options: LayoutOptions, metrics: Metrics): ElkNode {
  const anyState = hasMachineLevelTransitions(graph)
    ? [
        {
          id: graph.id,
          width: textWidth(ANY_STATE_LABEL, metrics) + 2 * STATE_PADDING_X,
          height: STATE_HEIGHT,
        },
      ]
    : [];
  return {
    id: `${graph.id}.__root__`,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': options.direction ?? 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      // Absolute coordinates for nodes, edges and labels alike, wherever ELK decides an edge belongs.
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: [
      ...anyState,
      ...(graph.initial === undefined ? [] : [initialNode(graph.id)]),
      ...graph.states.map((state) => elkStateNode(state, metrics)),
    ],
    edges: [
      ...(graph.initial === undefined ? [] : [initialEdge(graph.id, graph.initial)]),
      ...initialEdgesUnder(graph.states),
      ...graph.transitions.flatMap((transition) => elkEdges(transition, metrics)),
    ],
  };
}

const boxOf = (node: ElkNode | ElkLabel): Box => ({
  x: node.x ?? 0,
  y: node.y ?? 0,
  width: node.width ?? 0,
  height: node.height ?? 0,
});

function pointsOf(edge: ElkExtendedEdge): Point[] {
  return (edge.sections ?? []).flatMap((section) => [
    section.startPoint,
    ...(section.bendPoints ?? []),
    section.endPoint,
  ]);
}

/** Laid-out ELK nodes by id, at every depth. */
function indexNodes(node: ElkNode, index = new Map<string, ElkNode>()): Map<string, ElkNode> {
  for (const child of node.children ?? []) {
    index.set(child.id, child);
    indexNodes(child, index);
  }
  return index;
}

/** ELK may move an edge into the node that contains both its ends, so edges are gathered from every level. */
function indexEdges(node: ElkNode, index = new Map<string, ElkExtendedEdge>()): Map<string, ElkExtendedEdge> {
  for (const edge of node.edges ?? []) index.set(edge.id, edge);
  for (const child of node.children ?? []) indexEdges(child, index);
  return index;
}

function positionedStates(
  states: readonly StateGraphNode[],
  nodes: ReadonlyMap<string, ElkNode>,
  parent?: string,
  depth = 0,
): PositionedState[] {
  return states.flatMap((state) => {
    const node = nodes.get(state.id);
    if (!node) throw new RangeError(`ELK returned no position for state ${state.id}`);
    const caption = node.labels?.[0];
    const positioned: PositionedState = {
      id: state.id,
      key: state.key,
      kind: state.kind,
      ...(state.history ? { history: state.history } : {}),
      ...(state.description ? { description: state.description } : {}),
      container: isContainer(state),
      ...(caption ? { caption: boxOf(caption) } : {}),
      ...(parent === undefined ? {} : { parent }),
      depth,
      ...boxOf(node),
    };
    return [positioned, ...positionedStates(state.children, nodes, state.id, depth + 1)];
  });
}

function positionedTransitions(
  graph: MachineGraph,
  edges: ReadonlyMap<string, ElkExtendedEdge>,
): PositionedTransition[] {
  return graph.transitions.flatMap((transition) =>
    drawnTargetsOf(transition).map((target, index) => {
      const id = `${transition.id}>${index}`;
      const edge = edges.get(id);
      const label = edge?.labels?.[0];
      return {
        id,
        transition: transition.id,
        source: transition.source,
        target,
        kind: transition.kind,
        label: transitionLabel(transition),
        ...(label ? { labelBox: boxOf(label) } : {}),
        points: edge ? pointsOf(edge) : [],
        actions: transition.actions,
        ...(transition.description ? { description: transition.description } : {}),
      };
    }),
  );
}

function positionedInitials(
  graph: MachineGraph,
  nodes: ReadonlyMap<string, ElkNode>,
  edges: ReadonlyMap<string, ElkExtendedEdge>,
): PositionedInitial[] {
  const containers: { id: string; initial?: string }[] = [
    { id: graph.id, ...(graph.initial === undefined ? {} : { initial: graph.initial }) },
    ...statesWithInitial(graph.states),
  ];
  return containers.flatMap(({ id, initial }) => {
    const node = nodes.get(initialMarkerId(id));
    const edge = edges.get(initialMarkerId(id));
    if (initial === undefined || !node) return [];
    return [{ container: id, target: initial, ...boxOf(node), points: edge ? pointsOf(edge) : [] }];
  });
}

function statesWithInitial(states: readonly StateGraphNode[]): { id: string; initial?: string }[] {
  return states.flatMap((state) => [
    ...(state.initial === undefined ? [] : [{ id: state.id, initial: state.initial }]),
    ...statesWithInitial(state.children),
  ]);
}

/** ELK's bundled build sets `default` on its constructor, which is how TypeScript sees a CommonJS default. */
let elk: InstanceType<typeof ELK.default> | undefined;

export async function layoutGraph(
  graph: MachineGraph,
  options: LayoutOptions = {},
): Promise<PositionedGraph> {
  const metrics = { charWidth: options.charWidth ?? 7, lineHeight: options.lineHeight ?? 16 };
  elk ??= new ELK.default();
  const laidOut = await elk.layout(elkGraphOf(graph, options, metrics));
  const nodes = indexNodes(laidOut);
  const edges = indexEdges(laidOut);
  const anyState = nodes.get(graph.id);
  return {
    id: graph.id,
    ...(graph.version === undefined ? {} : { version: graph.version }),
    width: laidOut.width ?? 0,
    height: laidOut.height ?? 0,
    states: positionedStates(graph.states, nodes),
    initials: positionedInitials(graph, nodes, edges),
    transitions: positionedTransitions(graph, edges),
    ...(anyState ? { anyState: boxOf(anyState) } : {}),
  };
}
