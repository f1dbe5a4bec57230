import type { TransitionEdge } from './machineGraph.ts';

/**
 * The one caption every renderer puts on a transition: `event [guard]`, where a delayed transition's event is
 * `after <delay>` and an eventless one's is `always`. Actions stay off the caption (long lists would swamp
 * the diagram); the SVG shows them on hover.
 */
export function transitionLabel(transition: TransitionEdge): string {
  return transition.guard === undefined ? transition.event : `${transition.event} [${transition.guard}]`;
}
