import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { ActorRegistry } from '../actors/actorDefinition.ts';
import { registry } from '../machines/registry.ts';
import { actionName, delayLabel, eventLabel, guardLabel } from './implementationLabels.ts';

/**
 * A machine definition as plain JSON: its state tree and every transition, read from the StateNodes xstate
 * builds (so the diagram is drawn from what runs and cannot drift). Renderers (mermaid, DOT, ELK layout, SVG)
 * read only this model, so they never need xstate and can run in a browser on a graph fetched from the API.
 */
export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
export type TransitionKind = 'event' | 'after' | 'always';

export interface StateGraphNode {
  /** The full path from the machine, `order.PENDING`: unique, and what highlight lists and renderers use. */
  readonly id: string;
  readonly key: string;
  readonly kind: StateKind;
  /** The id of the child entered first (compound states). */
  readonly initial?: string;
  readonly history?: 'shallow' | 'deep';
  readonly description?: string;
  readonly children: readonly StateGraphNode[];
}

export interface TransitionEdge {
  /** `<source>:<n>`, n counting the source's transitions in document order. */
  readonly id: string;
  /** A state id, or the graph id for a transition declared on the machine itself (taken from any state). */
  readonly source: string;
  /** Empty for a targetless transition: it runs its actions and the machine stays where it is. */
  readonly targets: readonly string[];
  /** The event as a reader names it: `order.confirm`, `after stepTimeout`, `always`, `done`, `*`. */
  readonly event: string;
  readonly guard?: string;
  readonly delay?: string;
  readonly kind: TransitionKind;
  readonly reenter?: boolean;
  readonly actions: readonly string[];
  readonly description?: string;
}

export interface MachineGraph {
  /** The machine id, also the first segment of every state id. */
  readonly id: string;
  readonly version?: string;
  /** The id of the top-level state the machine starts in (none when `parallel`: all of them are active). */
  readonly initial?: string;
  readonly parallel?: boolean;
  /** The top-level states, each with its children. */
  readonly states: readonly StateGraphNode[];
  readonly transitions: readonly TransitionEdge[];
}

/** Paths rather than xstate's `id`, which a config may replace with a custom `#id`. */
const pathId = (machineId: string, node: AnyStateNode): string => [machineId, ...node.path].join('.');

const childrenOf = (node: AnyStateNode): AnyStateNode[] => Object.values(node.states) as AnyStateNode[];

function stateNodeOf(machineId: string, node: AnyStateNode): StateGraphNode {
  const initialTarget = node.type === 'compound' ? node.initial?.target[0] : undefined;
  return {
    id: pathId(machineId, node),
    key: node.key,
    kind: node.type,
    ...(initialTarget ? { initial: pathId(machineId, initialTarget) } : {}),
    ...(node.type === 'history' && node.history ? { history: node.history } : {}),
    ...(node.description ? { description: node.description } : {}),
    children: childrenOf(node).map((child) => stateNodeOf(machineId, child)),
  };
}

type DelayedTransition = AnyTransitionDefinition & { delay?: unknown };

function edgeOf(machineId: string, transition: DelayedTransition, id: string): TransitionEdge {
  const isDelayed = transition.delay !== undefined;
  const isEventless = transition.eventType === '';
  const delay = isDelayed ? delayLabel(transition.delay) : undefined;
  const kind: TransitionKind = isDelayed ? 'after' : isEventless ? 'always' : 'event';
  const event = isDelayed ? `after ${delay}` : isEventless ? 'always' : eventLabel(transition.eventType);
  return {
    id,
    source: pathId(machineId, transition.source),
    targets: (transition.target ?? []).map((target) => pathId(machineId, target)),
    event,
    ...(transition.guard === undefined ? {} : { guard: guardLabel(transition.guard) }),
    ...(delay === undefined ? {} : { delay }),
    kind,
    ...(transition.reenter ? { reenter: true } : {}),
    actions: transition.actions.map(actionName),
    ...(transition.description ? { description: transition.description } : {}),
  };
}

/**
 * `transitions` holds the `on` events, `onDone`/`onError` and the `after` delays (under their internal
 * `xstate.after.*` event); `always` is kept apart by xstate, so both are read.
 */
function ownTransitions(node: AnyStateNode): DelayedTransition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

function transitionsUnder(machineId: string, node: AnyStateNode): TransitionEdge[] {
  const source = pathId(machineId, node);
  const own = ownTransitions(node).map((transition, index) =>
    edgeOf(machineId, transition, `${source}:${index}`),
  );
  return [...own, ...childrenOf(node).flatMap((child) => transitionsUnder(machineId, child))];
}

export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const { root } = machine;
  const top = stateNodeOf(machine.id, root);
  return {
    id: machine.id,
    ...(machine.version === undefined ? {} : { version: machine.version }),
    ...(top.initial ? { initial: top.initial } : {}),
    ...(root.type === 'parallel' ? { parallel: true } : {}),
    states: top.children,
    transitions: transitionsUnder(machine.id, root),
  };
}

/** Every registered machine's graph, by actor type. */
export function machineGraphs(actorRegistry: ActorRegistry = registry): Record<string, MachineGraph> {
  return Object.fromEntries(
    [...actorRegistry].map(([actorType, definition]) => [actorType, machineGraph(definition.machine)]),
  );
}
