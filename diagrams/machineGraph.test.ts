import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, type AnyStateNode, setup } from 'xstate';
import { registry } from '../machines/registry.ts';
import { type MachineGraph, machineGraph, machineGraphs, type TransitionEdge } from './machineGraph.ts';
import { flattenStates } from './stateTree.ts';
import { nestedMachine } from './testing/nestedMachine.ts';

// Walked here from xstate's own StateNodes and raw config, not through the module under test.
function stateNodesOf(node: AnyStateNode): AnyStateNode[] {
  const children = Object.values(node.states) as AnyStateNode[];
  return [node, ...children.flatMap(stateNodesOf)];
}

const pathOf = (machine: AnyStateMachine, node: AnyStateNode) => [machine.id, ...node.path].join('.');
const count = (value: unknown) => (value === undefined ? 0 : Array.isArray(value) ? value.length : 1);

/** Transitions as written: each `on` and `after` entry (one or an array of them) and each `always`. */
function configuredTransitionCount(node: AnyStateNode): number {
  const { on = {}, after = {}, always } = node.config as { on?: object; after?: object; always?: unknown };
  const listed = [...Object.values(on), ...Object.values(after)].reduce<number>(
    (sum, v) => sum + count(v),
    0,
  );
  return listed + count(always);
}

const machines: [string, AnyStateMachine][] = [
  ...[...registry].map(([type, definition]): [string, AnyStateMachine] => [type, definition.machine]),
  ['nested (test only)', nestedMachine],
];

const transitionsFrom = (graph: MachineGraph, source: string) =>
  graph.transitions.filter((transition) => transition.source === source);

const find = (graph: MachineGraph, match: Partial<TransitionEdge>): TransitionEdge[] =>
  graph.transitions.filter((transition) =>
    Object.entries(match).every(([key, value]) => {
      const actual = transition[key as keyof TransitionEdge];
      return Array.isArray(value) ? JSON.stringify(actual) === JSON.stringify(value) : actual === value;
    }),
  );

describe.each(machines)('machineGraph of %s', (_name, machine) => {
  const graph = machineGraph(machine);
  const nodes = stateNodesOf(machine.root);

  it('holds every state of machine.root, with its kind and initial child', () => {
    const byId = new Map(flattenStates(graph.states).map(({ state }) => [state.id, state]));
    const descendants = nodes.filter((node) => node !== machine.root);
    expect([...byId.keys()].sort()).toEqual(descendants.map((node) => pathOf(machine, node)).sort());
    for (const node of descendants) {
      const state = byId.get(pathOf(machine, node));
      expect(state?.key).toBe(node.key);
      expect(state?.kind).toBe(node.type);
      const initialKey = typeof node.config.initial === 'string' ? node.config.initial : undefined;
      expect(state?.initial).toBe(initialKey && `${pathOf(machine, node)}.${initialKey}`);
    }
    expect(graph.initial).toBe(`${machine.id}.${machine.root.config.initial}`);
  });

  it('has as many transitions from each state as its config declares', () => {
    for (const node of nodes) {
      expect(transitionsFrom(graph, pathOf(machine, node)), pathOf(machine, node)).toHaveLength(
        configuredTransitionCount(node),
      );
    }
    const total = nodes.reduce((sum, node) => sum + configuredTransitionCount(node), 0);
    expect(graph.transitions).toHaveLength(total);
  });

  it('names delayed and internal events for a reader, and targets only known states', () => {
    const ids = new Set([graph.id, ...flattenStates(graph.states).map(({ state }) => state.id)]);
    for (const transition of graph.transitions) {
      expect(transition.event).not.toMatch(/^xstate\./);
      if (transition.kind === 'after') expect(transition.event).toBe(`after ${transition.delay}`);
      for (const target of transition.targets) expect(ids.has(target), target).toBe(true);
    }
    expect(new Set(graph.transitions.map((transition) => transition.id)).size).toBe(graph.transitions.length);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
  });
});

describe('machineGraph of the registered machines', () => {
  const graphs = machineGraphs();

  it('covers every actor type, each machine named after its actor type', () => {
    expect(Object.keys(graphs).sort()).toEqual([...registry.keys()].sort());
    for (const [type, graph] of Object.entries(graphs)) {
      expect(graph.id).toBe(type);
      expect(graph.version).toBe('1');
    }
  });

  it('shows the order saga step timeout as a named delay on every waiting step', () => {
    const graph = graphs['orderSaga'] as MachineGraph;
    for (const [from, to, waitingFor] of [
      ['reserving', 'compensating', 'recordTimeout'],
      ['charging', 'compensating', 'recordTimeout'],
      ['compensating', 'cancelled', 'recordCompensationTimeout'],
    ] as const) {
      expect(
        find(graph, {
          source: `orderSaga.${from}`,
          kind: 'after',
          delay: 'stepTimeout',
          event: 'after stepTimeout',
        }),
      ).toEqual([expect.objectContaining({ targets: [`orderSaga.${to}`], actions: [waitingFor] })]);
    }
  });

  it('shows the order saga guards, its eventless completion and its targetless acknowledgements', () => {
    const graph = graphs['orderSaga'] as MachineGraph;
    expect(find(graph, { source: 'orderSaga.reserving', guard: 'completesReservation' })).toEqual([
      expect.objectContaining({
        event: 'inventory.reserved',
        targets: ['orderSaga.charging'],
        actions: ['recordReserved'],
      }),
    ]);
    expect(find(graph, { source: 'orderSaga.compensating', kind: 'always' })).toEqual([
      expect.objectContaining({ event: 'always', guard: 'isCompensated', targets: ['orderSaga.cancelled'] }),
    ]);
    const acknowledged = find(graph, { source: 'orderSaga.confirmed', targets: [] });
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const transition of acknowledged) expect(transition.actions).toEqual(['recordIgnored']);
  });

  it('shows a composed guard of the inventory item readably', () => {
    const graph = graphs['inventoryItem'] as MachineGraph;
    expect(find(graph, { event: 'inventory.reserve', guard: 'hasStock && reserveCrossesLowStock' })).toEqual([
      expect.objectContaining({ targets: [], actions: ['holdStock', 'answerReserve', 'emitLowStock'] }),
    ]);
    expect(find(graph, { guard: 'hasNothingReserved' })[0]?.targets).toEqual(['inventoryItem.deleted']);
  });

  it('shows the order lifecycle with its final states', () => {
    const graph = graphs['order'] as MachineGraph;
    expect(graph.initial).toBe('order.PENDING');
    const finals = flattenStates(graph.states).filter(({ state }) => state.kind === 'final');
    expect(finals.map(({ state }) => state.key).sort()).toEqual(['CANCELLED', 'DELIVERED']);
    expect(find(graph, { source: 'order.PENDING', event: 'order.cancel' })[0]?.actions).toEqual([
      'recordCancellationReason',
    ]);
  });

  it("shows the payment's eventless decision in order, the fallback without a guard", () => {
    const graph = graphs['payment'] as MachineGraph;
    const deciding = find(graph, { source: 'payment.deciding', kind: 'always' });
    expect(deciding.map((transition) => [transition.guard, transition.targets])).toEqual([
      ['createdByRefund', ['payment.VOIDED']],
      ['declinedByRules', ['payment.DECLINED']],
      [undefined, ['payment.CHARGED']],
    ]);
  });

  it('shows the cancellation saga timeout and its last-answer guard', () => {
    const graph = graphs['cancellationSaga'] as MachineGraph;
    expect(find(graph, { kind: 'after', delay: 'stepTimeout' })[0]?.targets).toEqual([
      'cancellationSaga.completed',
    ]);
    expect(find(graph, { guard: 'isLastAnswer' })).toHaveLength(2);
  });
});

describe('machineGraph of nested, parallel and history states', () => {
  const graph = machineGraph(nestedMachine);

  it('keeps kinds, history depth and the parallel regions', () => {
    const byId = new Map(flattenStates(graph.states).map(({ state }) => [state.id, state]));
    expect(byId.get('door.opened')?.kind).toBe('parallel');
    expect(byId.get('door.opened')?.initial).toBeUndefined();
    expect(byId.get('door.opened.light')?.initial).toBe('door.opened.light.on');
    expect(byId.get('door.closed.hist')).toMatchObject({ kind: 'history', history: 'deep' });
  });

  it('formats negated, composed and parameterised guards and literal delays', () => {
    expect(find(graph, { event: 'unlock' })[0]?.guard).toBe('!isJammed');
    expect(find(graph, { event: 'open', source: 'door.closed' })[0]?.guard).toBe(
      'isReady && isAbove(limit=3)',
    );
    expect(find(graph, { kind: 'always' })[0]?.guard).toBe('isReady || in("#door.closed")');
    expect(find(graph, { kind: 'after', source: 'door.closed.locked' })[0]).toMatchObject({
      delay: '500ms',
      event: 'after 500ms',
    });
  });

  it('keeps machine-level, wildcard and re-entering transitions', () => {
    expect(find(graph, { source: 'door' })).toEqual([
      expect.objectContaining({ event: 'door.reset', targets: ['door.closed'], actions: ['notify'] }),
    ]);
    expect(find(graph, { event: '*' })[0]).toMatchObject({ targets: [], actions: ['track'] });
    expect(find(graph, { event: 'open', source: 'door.opened' })[0]?.reenter).toBe(true);
    expect(find(graph, { event: 'close' })[0]?.targets).toEqual(['door.closed.hist']);
  });
});

describe('a changed machine redraws itself', () => {
  const light = (withBroken: boolean) =>
    setup({}).createMachine({
      id: 'light',
      initial: 'off',
      states: {
        off: { on: { toggle: 'on' } },
        on: { on: { toggle: 'off', ...(withBroken ? { fail: 'broken' } : {}) } },
        ...(withBroken ? { broken: { type: 'final' as const } } : {}),
      },
    });

  it('shows a state and a transition added to the definition, with no drawing to update', () => {
    const before = machineGraph(light(false));
    const after = machineGraph(light(true));
    expect(before.states.map((state) => state.id)).toEqual(['light.off', 'light.on']);
    expect(after.states.map((state) => state.id)).toEqual(['light.off', 'light.on', 'light.broken']);
    expect(after.states[2]?.kind).toBe('final');
    expect(find(after, { event: 'fail' })[0]?.targets).toEqual(['light.broken']);
    expect(after.transitions).toHaveLength(before.transitions.length + 1);
  });
});
