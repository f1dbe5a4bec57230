import { describe, expect, it } from 'vitest';
import { type ObservedSku, type SettledOrder, stockProblems } from './consistency.ts';

const confirmed: SettledOrder = { orderId: 'o1', skus: ['A', 'B'], quantity: 1, status: 'CONFIRMED' };
const cancelled: SettledOrder = { orderId: 'o2', skus: ['A', 'C'], quantity: 1, status: 'CANCELLED' };
const sku = (name: string, reserved: number, reservations: ObservedSku['reservations']): ObservedSku => ({
  sku: name,
  available: 100 - reserved,
  reserved,
  reservations,
});
const consistent = [
  sku('A', 1, [
    { orderId: 'o1', quantity: 1, status: 'held' },
    { orderId: 'o2', quantity: 1, status: 'released' },
  ]),
  sku('B', 1, [{ orderId: 'o1', quantity: 1, status: 'held' }]),
  sku('C', 0, [{ orderId: 'o2', quantity: 1, status: 'released' }]),
];

describe('stock and reservations after a run', () => {
  it('holds when CONFIRMED orders hold their units and CANCELLED ones released theirs', () => {
    expect(stockProblems([confirmed, cancelled], consistent, 100)).toStrictEqual([]);
  });

  it('finds a cancelled order whose units are still held', () => {
    const leaked = [...consistent.slice(0, 2), sku('C', 1, [{ orderId: 'o2', quantity: 1, status: 'held' }])];
    const problems = stockProblems([confirmed, cancelled], leaked, 100);
    expect(problems).toContain('C: reserved 1, but its CONFIRMED orders hold 0');
    expect(problems.some((problem) => problem.includes('o2 is CANCELLED but its reservation is held'))).toBe(
      true,
    );
  });

  it('finds lost units and reservations of orders the run does not know', () => {
    const lost: ObservedSku = {
      sku: 'B',
      available: 98,
      reserved: 1,
      reservations: [
        { orderId: 'o1', quantity: 1, status: 'held' },
        { orderId: 'zz', quantity: 1, status: 'committed' },
      ],
    };
    const problems = stockProblems([confirmed], [lost], 100);
    expect(problems).toContain('B: available 98 + reserved 1 != initial stock 100');
    expect(problems).toContain('B: reservation (committed) of unknown order zz');
  });

  it('expects nothing of an order that was never created', () => {
    const never: SettledOrder = { ...confirmed, status: undefined };
    expect(stockProblems([never], [sku('A', 0, []), sku('B', 0, [])], 100)).toStrictEqual([]);
  });
});
