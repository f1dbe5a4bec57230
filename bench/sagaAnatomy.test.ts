import { describe, expect, it } from 'vitest';
import { anatomyOf, type TracedTurn } from './sagaAnatomy.ts';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const turn = (
  actorType: string,
  messageType: string,
  committedAtMs: number,
  durationMs: number,
): TracedTurn => ({
  actorType,
  messageType,
  durationMs,
  at: at(committedAtMs),
});

describe('saga anatomy from the journal', () => {
  it('splits each step into the wait for its message and the turn itself', () => {
    const trace = [
      turn('order', 'order.create', 10, 10), // started at 0
      turn('orderSaga', 'order.created', 60, 5), // 45 ms on the way
      turn('inventoryItem', 'inventory.reserve', 100, 4),
      turn('inventoryItem', 'inventory.reserve', 103, 3),
    ];
    const anatomy = anatomyOf([trace]);
    expect(anatomy.steps.map((step) => [step.step, step.waitP50Ms, step.turnP50Ms])).toStrictEqual([
      ['order <- order.create', 0, 10],
      ['orderSaga <- order.created', 45, 5],
      ['inventoryItem <- inventory.reserve', 36, 4],
      ['inventoryItem <- inventory.reserve #2', 0, 3],
    ]);
    expect(anatomy.totalP50Ms).toBe(103);
    expect(anatomy.turnsP50Ms).toBe(22);
    expect(anatomy.waitsP50Ms).toBe(81);
  });

  it('takes medians over sagas and skips empty traces', () => {
    const fast = [turn('order', 'order.create', 10, 10), turn('orderSaga', 'order.created', 30, 10)];
    const slow = [turn('order', 'order.create', 10, 10), turn('orderSaga', 'order.created', 130, 10)];
    const medium = [turn('order', 'order.create', 10, 10), turn('orderSaga', 'order.created', 60, 10)];
    const anatomy = anatomyOf([fast, slow, medium, []]);
    expect(anatomy.sampled).toBe(3);
    expect(anatomy.steps[1]?.waitP50Ms).toBe(40);
  });
});
