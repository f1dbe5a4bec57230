import { describe, expect, it } from 'vitest';
import {
  declineInterval,
  formatCents,
  orderTotalCents,
  parseAmountToCents,
  planOrders,
  skuNames,
  WORKLOAD,
} from './workload.ts';

const settings = (declinePercent: number) => ({
  skus: skuNames('bench-test'),
  declinePercent,
  declineAboveCents: parseAmountToCents('10000.00'),
  seed: 42,
});

describe('the workload of issue 6', () => {
  it('declines exactly every 10th order with a 10 % mix, and nothing else', () => {
    const orders = planOrders(1_000, settings(10));
    const declined = orders.filter((order) => order.declined).map((order) => order.sequence);
    expect(declined).toHaveLength(100);
    expect(declined.every((sequence) => sequence % 10 === 0)).toBe(true);
    expect(orders.every((order) => order.expected === (order.declined ? 'CANCELLED' : 'CONFIRMED'))).toBe(
      true,
    );
  });

  it('declines nothing with a 0 % mix', () => {
    expect(planOrders(500, settings(0)).some((order) => order.declined)).toBe(false);
  });

  it('gives every order 2 distinct SKUs of the set, quantity 1', () => {
    const { skus } = settings(10);
    for (const order of planOrders(2_000, settings(10))) {
      expect(order.items).toHaveLength(2);
      expect(new Set(order.items.map((item) => item.sku)).size).toBe(2);
      for (const item of order.items) {
        expect(skus).toContain(item.sku);
        expect(item.quantity).toBe(1);
      }
    }
  });

  it('prices a declined order above the decline limit and the others well below it', () => {
    const limit = parseAmountToCents('10000.00');
    for (const order of planOrders(200, settings(10))) {
      if (order.declined) expect(orderTotalCents(order)).toBeGreaterThan(limit);
      else expect(orderTotalCents(order)).toBeLessThan(limit / 10);
    }
  });

  it('draws SKUs roughly uniformly', () => {
    const counts = new Map<string, number>();
    for (const order of planOrders(20_000, settings(10))) {
      for (const item of order.items) counts.set(item.sku, (counts.get(item.sku) ?? 0) + 1);
    }
    expect(counts.size).toBe(WORKLOAD.skuCount);
    // 400 expected per SKU; a fair draw stays well inside ±25 %.
    for (const count of counts.values()) expect(count).toBeGreaterThan(300);
    for (const count of counts.values()) expect(count).toBeLessThan(500);
  });

  it('is reproducible from its seed', () => {
    expect(planOrders(50, settings(10))).toStrictEqual(planOrders(50, settings(10)));
  });

  it('refuses a mix that is not an exact "every n-th order"', () => {
    expect(declineInterval(10)).toBe(10);
    expect(declineInterval(0)).toBe(0);
    expect(() => declineInterval(7)).toThrow(RangeError);
  });

  it('writes and reads money with two decimals', () => {
    expect(formatCents(1_000_000)).toBe('10000.00');
    expect(formatCents(1_005)).toBe('10.05');
    expect(parseAmountToCents('12.5')).toBe(1_250);
  });
});
