import { describe, expect, it } from 'vitest';
import { dotQuote, toDot } from './dot.ts';
import { type MachineGraph, machineGraph, machineGraphs } from './machineGraph.ts';
import { flattenStates } from './stateTree.ts';
import { nestedMachine } from './testing/nestedMachine.ts';

const graphs: [string, MachineGraph][] = [
  ...Object.entries(machineGraphs()),
  ['nested (test only)', machineGraph(nestedMachine)],
];

/** The DOT text with every quoted string blanked, so braces and `=` inside captions cannot fool a check. */
function outsideQuotes(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

const edgeLines = (text: string) => text.split('\n').filter((line) => / -> /.test(outsideQuotes(line)));

describe.each(graphs)('toDot of %s', (_name, graph) => {
  const text = toDot(graph);

  it('is one digraph with balanced braces', () => {
    expect(text.startsWith(`digraph ${dotQuote(graph.id)} {`)).toBe(true);
    let depth = 0;
    for (const char of outsideQuotes(text)) {
      if (char === '{') depth++;
      if (char === '}') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });

  it('quotes every label and every node name', () => {
    expect(outsideQuotes(text)).not.toMatch(/label=[^"]/);
    for (const line of edgeLines(text))
      expect(line.trim()).toMatch(/^"(?:[^"\\]|\\.)*" -> "(?:[^"\\]|\\.)*"/);
  });

  it('draws one edge per transition target, plus one from each initial marker', () => {
    const states = flattenStates(graph.states).map(({ state }) => state);
    const initials = [graph.initial, ...states.map((state) => state.initial)].filter(Boolean).length;
    const drawn = graph.transitions.reduce(
      (sum, transition) => sum + Math.max(1, transition.targets.length),
      0,
    );
    expect(edgeLines(text)).toHaveLength(drawn + initials);
  });

  it('makes a cluster of every compound state and a double border of every final one', () => {
    const states = flattenStates(graph.states).map(({ state }) => state);
    for (const state of states.filter((candidate) => candidate.children.length > 0)) {
      expect(text).toContain(`subgraph ${dotQuote(`cluster_${state.id}`)} {`);
    }
    for (const state of states.filter((candidate) => candidate.kind === 'final')) {
      expect(text).toMatch(new RegExp(`${escapeRegExp(dotQuote(state.id))} \\[.*peripheries=2`));
    }
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('toDot details', () => {
  it('escapes quotes and newlines, and never ends a string on a backslash', () => {
    expect(dotQuote('say "hi"\nthere')).toBe('"say \\"hi\\"\\nthere"');
    expect(dotQuote('trailing\\')).not.toMatch(/\\"$/);
  });

  it('clips edges to and from compound states at their cluster', () => {
    const text = toDot(machineGraph(nestedMachine));
    expect(text).toContain(
      '"door.closed" -> "door.opened" [label="open [isReady && isAbove(limit=3)]", ' +
        'ltail="cluster_door.closed", lhead="cluster_door.opened"];',
    );
    expect(text).toContain('"door" [label="any state", shape="plaintext"];');
    expect(text).toContain('"door.R&D <\\"draft\\">" [label="R&D <\\"draft\\">"');
  });

  it('dashes delayed and eventless transitions', () => {
    const text = toDot(machineGraphs()['orderSaga'] as MachineGraph);
    expect(text).toContain(
      '"orderSaga.reserving" -> "orderSaga.compensating" [label="after stepTimeout", style="dashed"];',
    );
  });
});
