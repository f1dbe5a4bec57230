import type { MachineGraph, StateGraphNode } from './machineGraph.ts';

/** Walking the state tree the same way in every renderer. */

export interface PlacedState {
  readonly state: StateGraphNode;
  /** The enclosing state's id; none for a top-level state. */
  readonly parent?: string;
  readonly depth: number;
}

/** Every state, parents before their children (document order), with where it sits. */
export function flattenStates(states: readonly StateGraphNode[], parent?: string, depth = 0): PlacedState[] {
  return states.flatMap((state) => [
    { state, depth, ...(parent === undefined ? {} : { parent }) },
    ...flattenStates(state.children, state.id, depth + 1),
  ]);
}

/** A state drawn as a box around its children. */
export const isContainer = (state: StateGraphNode): boolean => state.children.length > 0;

/**
 * A transition declared on the machine itself fires from whichever state is active. Renderers draw it from
 * one pseudo-node with this caption, standing for the graph id as a transition endpoint.
 */
export const ANY_STATE_LABEL = 'any state';

export const hasMachineLevelTransitions = (graph: MachineGraph): boolean =>
  graph.transitions.some(
    (transition) => transition.source === graph.id || transition.targets.includes(graph.id),
  );

/** The states a transition ends in: a targetless one stays in its source, so it is drawn as a loop. */
export const drawnTargetsOf = (transition: {
  source: string;
  targets: readonly string[];
}): readonly string[] => (transition.targets.length > 0 ? transition.targets : [transition.source]);
