import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, type AnyStateMachine, initialTransition, transition } from 'xstate';
import { machineGraph, type StateGraphNode } from '../diagrams/machineGraph.ts';
import { nestedMachine } from '../diagrams/testing/nestedMachine.ts';
import { orderMachine } from '../machines/order/orderMachine.ts';
import { activeStateIds } from './activeStates.ts';

/** XState's own active configuration, as diagram ids: the ground truth the derivation must match. */
function xstateActiveIds(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): string[] {
  return snapshot._nodes
    .filter((node) => node.path.length > 0)
    .map((node) => [machine.id, ...node.path].join('.'))
    .sort();
}

function allStateIds(states: readonly StateGraphNode[]): string[] {
  return states.flatMap((state) => [state.id, ...allStateIds(state.children)]);
}

describe('activeStateIds', () => {
  it('a flat machine: the one state', () => {
    expect(activeStateIds('order', 'PENDING')).toEqual(['order.PENDING']);
  });

  it('a nested state: the parent, then the child', () => {
    expect(activeStateIds('door', { closed: 'locked' })).toEqual(['door.closed', 'door.closed.locked']);
  });

  it('a parallel state: the state, every region and each region’s active child', () => {
    expect(activeStateIds('door', { opened: { light: 'off', alarm: 'quiet' } })).toEqual([
      'door.opened',
      'door.opened.light',
      'door.opened.light.off',
      'door.opened.alarm',
      'door.opened.alarm.quiet',
    ]);
  });

  it('nothing to highlight for a missing or malformed value', () => {
    expect(activeStateIds('order', undefined)).toEqual([]);
    expect(activeStateIds('order', null)).toEqual([]);
    expect(activeStateIds('order', '')).toEqual([]);
    expect(activeStateIds('order', 42)).toEqual([]);
    expect(activeStateIds('order', ['PENDING'])).toEqual([]);
  });

  it('matches XState’s own active states along a path through nested and parallel states', () => {
    const graphIds = new Set(allStateIds(machineGraph(nestedMachine).states));
    let [snapshot] = initialTransition(nestedMachine);
    const seen = [snapshot];
    for (const type of ['lock', 'unlock', 'open', 'toggle', 'close', 'open', 'broken']) {
      [snapshot] = transition(nestedMachine, snapshot, { type });
      seen.push(snapshot);
    }
    expect(seen.some((s) => typeof s.value === 'object' && 'opened' in s.value)).toBe(true);
    for (const s of seen) {
      const ids = activeStateIds(nestedMachine.id, s.value);
      expect([...ids].sort()).toEqual(xstateActiveIds(nestedMachine, s));
      for (const id of ids) expect(graphIds.has(id)).toBe(true);
    }
  });

  it('every order state id it derives is a state the order diagram draws', () => {
    const graphIds = new Set(allStateIds(machineGraph(orderMachine).states));
    for (const id of graphIds) {
      const key = id.slice('order.'.length);
      expect(activeStateIds(orderMachine.id, key)).toEqual([id]);
    }
  });
});
