import { describe, expect, it } from 'vitest';
import { type MachineGraph, machineGraph, machineGraphs } from './machineGraph.ts';
import { toMermaid } from './mermaid.ts';
import { flattenStates } from './stateTree.ts';
import { nestedMachine } from './testing/nestedMachine.ts';

const VALID_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TRANSITION_LINE = /^\s*(\S+) --> (\S+) : (.+)$/;
const DECLARATION = /^\s*state "([^"]*)" as (\S+)( \{)?$/;

const graphs: [string, MachineGraph][] = [
  ...Object.entries(machineGraphs()),
  ['nested (test only)', machineGraph(nestedMachine)],
];

const linesOf = (text: string) => text.split('\n');
const drawnEdgeCount = (graph: MachineGraph) =>
  graph.transitions.reduce((sum, transition) => sum + Math.max(1, transition.targets.length), 0);

describe.each(graphs)('toMermaid of %s', (_name, graph) => {
  const text = toMermaid(graph);
  const lines = linesOf(text);

  it('is a stateDiagram-v2 with one line per drawn transition', () => {
    expect(lines[0]).toBe('stateDiagram-v2');
    const transitionLines = lines.filter((line) => TRANSITION_LINE.test(line) && !line.includes('[*]'));
    expect(transitionLines).toHaveLength(drawnEdgeCount(graph));
  });

  it('nests compound states in balanced blocks', () => {
    let depth = 0;
    for (const line of lines) {
      if (line.endsWith(' {')) depth++;
      if (line.trim() === '}') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    const containers = flattenStates(graph.states).filter(({ state }) => state.children.length > 0);
    expect(lines.filter((line) => line.endsWith(' {'))).toHaveLength(containers.length);
  });

  it('declares every state once under a valid id, its key as the caption', () => {
    const declared = lines.flatMap((line) => {
      const match = DECLARATION.exec(line);
      return match ? [{ caption: match[1], id: match[2] ?? '' }] : [];
    });
    const states = flattenStates(graph.states);
    const anyState = graph.transitions.some((transition) => transition.source === graph.id) ? 1 : 0;
    expect(declared).toHaveLength(states.length + anyState);
    expect(new Set(declared.map(({ id }) => id)).size).toBe(declared.length);
    for (const { id } of declared) expect(id).toMatch(VALID_ID);
    for (const line of lines.filter((candidate) => TRANSITION_LINE.test(candidate))) {
      const [, from, to] = TRANSITION_LINE.exec(line) ?? [];
      for (const end of [from, to]) if (end !== '[*]') expect(end).toMatch(VALID_ID);
    }
    const captions = new Set(declared.map(({ caption }) => caption));
    for (const { state } of states) {
      if (state.kind !== 'history') expect(captions.has(state.key.replace(/"/g, "'"))).toBe(true);
    }
  });

  it('marks the initial state and every final one with [*]', () => {
    if (graph.initial) expect(lines).toContain(`  [*] --> ${graph.initial.replace(/\./g, '_')}`);
    const finals = flattenStates(graph.states).filter(({ state }) => state.kind === 'final');
    expect(lines.filter((line) => line.trim().endsWith('--> [*]'))).toHaveLength(finals.length);
  });
});

describe('toMermaid labels and nesting', () => {
  it('labels transitions `event [guard]` and delayed ones `after delay`', () => {
    const lines = linesOf(toMermaid(machineGraphs()['orderSaga'] as MachineGraph));
    expect(lines).toContain(
      '  orderSaga_reserving --> orderSaga_charging : inventory.reserved [completesReservation]',
    );
    expect(lines).toContain('  orderSaga_reserving --> orderSaga_compensating : after stepTimeout');
    expect(lines).toContain('  orderSaga_compensating --> orderSaga_cancelled : always [isCompensated]');
    // A targetless transition stays in its state: a loop.
    expect(lines).toContain('  orderSaga_reserving --> orderSaga_reserving : inventory.reserved');
  });

  it('writes nested transitions in their block, parallel regions apart, and escaped captions', () => {
    const lines = linesOf(toMermaid(machineGraph(nestedMachine)));
    const opened = lines.indexOf('    state "alarm" as door_opened_alarm {');
    expect(lines[opened - 1]).toBe('    --');
    expect(lines).toContain('    door_closed_unlocked --> door_closed_locked : lock');
    expect(lines).toContain('      [*] --> door_opened_light_on');
    expect(lines).toContain('  state "any state" as door');
    expect(lines).toContain('  door --> door_closed : door.reset');
    expect(lines).toContain(`  state "R&D <'draft'>" as door_R_D___draft__`);
    expect(lines).toContain('    state "hist (H*)" as door_closed_hist');
  });

  it('keeps ids distinct when paths clean to the same identifier, and clear of keywords', () => {
    const graph: MachineGraph = {
      id: 'default',
      initial: 'default.a_b',
      states: [
        { id: 'default.a_b', key: 'a_b', kind: 'atomic', children: [] },
        { id: 'default.a.b', key: 'a.b', kind: 'atomic', children: [] },
      ],
      transitions: [],
    };
    const ids = linesOf(toMermaid(graph)).flatMap((line) => DECLARATION.exec(line)?.[2] ?? []);
    expect(ids).toEqual(['_default_a_b', '_default_a_b_2']);
  });
});
