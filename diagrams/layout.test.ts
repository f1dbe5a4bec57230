import { beforeAll, describe, expect, it } from 'vitest';
import { type Box, layoutGraph, type PositionedGraph } from './layout.ts';
import { type MachineGraph, machineGraph, machineGraphs } from './machineGraph.ts';
import { flattenStates } from './stateTree.ts';
import { nestedMachine } from './testing/nestedMachine.ts';

const graphs: [string, MachineGraph][] = [
  ...Object.entries(machineGraphs()),
  ['nested (test only)', machineGraph(nestedMachine)],
];

const isFiniteBox = (box: Box) =>
  [box.x, box.y, box.width, box.height].every(Number.isFinite) && box.width > 0 && box.height > 0;

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

describe.each(graphs)('layoutGraph of %s', (_name, graph) => {
  let positioned: PositionedGraph;
  beforeAll(async () => {
    positioned = await layoutGraph(graph);
  });

  it('places every state with finite coordinates', () => {
    const expected = flattenStates(graph.states).map(({ state }) => state.id);
    expect(positioned.states.map((state) => state.id)).toEqual(expected);
    for (const state of positioned.states) expect(isFiniteBox(state), state.id).toBe(true);
  });

  it('puts each child inside its parent, and everything inside the drawing', () => {
    const byId = new Map(positioned.states.map((state) => [state.id, state]));
    const canvas = { x: 0, y: 0, width: positioned.width, height: positioned.height };
    for (const state of positioned.states) {
      expect(inside(state, canvas), state.id).toBe(true);
      if (state.parent === undefined) continue;
      const parent = byId.get(state.parent);
      expect(parent, state.parent).toBeDefined();
      if (parent) expect(inside(state, parent), `${state.id} in ${parent.id}`).toBe(true);
    }
  });

  it('routes every drawn transition as a finite polyline with its caption placed', () => {
    const drawn = graph.transitions.reduce(
      (sum, transition) => sum + Math.max(1, transition.targets.length),
      0,
    );
    expect(positioned.transitions).toHaveLength(drawn);
    for (const transition of positioned.transitions) {
      expect(transition.points.length, transition.id).toBeGreaterThanOrEqual(2);
      for (const point of transition.points)
        expect(Number.isFinite(point.x) && Number.isFinite(point.y)).toBe(true);
      expect(transition.labelBox && isFiniteBox(transition.labelBox), transition.id).toBe(true);
    }
  });

  it('marks the initial state of the machine and of every compound state', () => {
    const holders = flattenStates(graph.states).filter(({ state }) => state.initial !== undefined);
    expect(positioned.initials.map((initial) => initial.target).sort()).toEqual(
      [graph.initial, ...holders.map(({ state }) => state.initial)].sort(),
    );
    for (const initial of positioned.initials) {
      expect(isFiniteBox(initial)).toBe(true);
      expect(initial.points.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('layoutGraph of nested states', () => {
  it('leaves room for a container caption above its children', async () => {
    const positioned = await layoutGraph(machineGraph(nestedMachine));
    const closed = positioned.states.find((state) => state.id === 'door.closed');
    expect(closed?.container).toBe(true);
    expect(closed?.caption && inside(closed.caption, closed)).toBe(true);
    const children = positioned.states.filter((state) => state.parent === 'door.closed');
    const captionBottom = (closed?.caption?.y ?? 0) + (closed?.caption?.height ?? 0);
    for (const child of children) expect(child.y).toBeGreaterThanOrEqual(captionBottom);
    expect(positioned.anyState && isFiniteBox(positioned.anyState)).toBe(true);
  });

  it('sizes states by their caption', async () => {
    const positioned = await layoutGraph(machineGraphs()['orderSaga'] as MachineGraph, { charWidth: 10 });
    const compensating = positioned.states.find((state) => state.key === 'compensating');
    expect(compensating?.width).toBeGreaterThanOrEqual('compensating'.length * 10);
  });
});
