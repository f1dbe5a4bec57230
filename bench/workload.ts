/**
 * The workload of issue 6, defined once: 100 SKUs with ample stock; every order has 2 items of 2 distinct SKUs
 * drawn uniformly, quantity 1; with a decline mix of 10 %, exactly every 10th order costs more than the payment
 * gateway's decline limit, so its saga compensates and the order ends CANCELLED; every other order ends CONFIRMED.
 * Pure: the random SKU draws come from a seeded generator, so a run can be replayed.
 */
export const WORKLOAD = {
  skuCount: 100,
  itemsPerOrder: 2,
  quantityPerItem: 1,
  /** Ample: a 5,000-order run holds at most a few hundred units of one SKU. */
  initialStock: 1_000_000,
  defaultOrders: 5_000,
  defaultWarmup: 300,
  defaultConcurrency: [16, 64, 256] as readonly number[],
  defaultDeclinePercents: [10, 0] as readonly number[],
  defaultRuns: 3,
} as const;

export type ExpectedOutcome = 'CONFIRMED' | 'CANCELLED';

export interface PlannedItem {
  readonly sku: string;
  readonly quantity: number;
  /** A decimal string with two decimals, as the API takes money. */
  readonly unitPrice: string;
}

export interface PlannedOrder {
  /** 1-based position in its sequence (warm-up and measured orders are separate sequences). */
  readonly sequence: number;
  readonly declined: boolean;
  readonly expected: ExpectedOutcome;
  readonly items: readonly PlannedItem[];
}

export interface WorkloadSettings {
  readonly skus: readonly string[];
  /** 0 or a divisor of 100 (10 -> every 10th order is declined). */
  readonly declinePercent: number;
  /** PAYMENT_DECLINE_ABOVE of the system, in cents. */
  readonly declineAboveCents: number;
  readonly seed: number;
}

/** The SKUs of one run: a unique prefix keeps runs apart on a shared system. */
export function skuNames(prefix: string, count: number = WORKLOAD.skuCount): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(3, '0')}`);
}

/** Every `declineEvery`-th order is declined; 0 means none. Only exact mixes are allowed (no rounding drift). */
export function declineInterval(declinePercent: number): number {
  if (declinePercent === 0) return 0;
  if (!Number.isInteger(declinePercent) || declinePercent < 0 || 100 % declinePercent !== 0) {
    throw new RangeError(`a decline mix must be 0 or a percentage that divides 100, got ${declinePercent}`);
  }
  return 100 / declinePercent;
}

export function planOrders(count: number, settings: WorkloadSettings): PlannedOrder[] {
  if (settings.skus.length < WORKLOAD.itemsPerOrder) throw new RangeError('an order needs 2 distinct SKUs');
  const every = declineInterval(settings.declinePercent);
  const random = seededRandom(settings.seed);
  return Array.from({ length: count }, (_, index) => {
    const sequence = index + 1;
    const declined = every > 0 && sequence % every === 0;
    const [first, second] = twoDistinct(settings.skus, random);
    const price = (pick: () => number) =>
      declined ? declinedUnitPrice(settings.declineAboveCents) : acceptedUnitPrice(pick);
    return {
      sequence,
      declined,
      expected: declined ? 'CANCELLED' : 'CONFIRMED',
      items: [first, second].map((sku) => ({
        sku,
        quantity: WORKLOAD.quantityPerItem,
        unitPrice: price(random),
      })),
    };
  });
}

/** Two different SKUs, each uniform over the set: the second draw skips the first's slot. */
function twoDistinct(skus: readonly string[], random: () => number): [string, string] {
  const first = Math.floor(random() * skus.length);
  let second = Math.floor(random() * (skus.length - 1));
  if (second >= first) second += 1;
  return [skus[first] as string, skus[second] as string];
}

/** Both items of a declined order cost the limit itself, so the total is twice the limit: above it. */
function declinedUnitPrice(declineAboveCents: number): string {
  return formatCents(Math.max(declineAboveCents, 1));
}

/** 10.00 to 99.99: two of them stay far below any realistic decline limit. */
function acceptedUnitPrice(random: () => number): string {
  return formatCents(1_000 + Math.floor(random() * 9_000));
}

export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** "10000.00" -> 1000000, as PAYMENT_DECLINE_ABOVE is written. */
export function parseAmountToCents(amount: string): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${amount}`);
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

export function orderTotalCents(order: PlannedOrder): number {
  return order.items.reduce((sum, item) => sum + parseAmountToCents(item.unitPrice) * item.quantity, 0);
}

/** mulberry32: tiny, fast and good enough to draw SKUs uniformly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
