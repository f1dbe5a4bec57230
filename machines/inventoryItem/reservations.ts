import type { Reservation } from './inventoryItemEvents.ts';

/**
 * Pure helpers for the inventory item's reservation entries: the low-stock crossing rule and the bounded,
 * pruned map of entries by order id.
 */

/** Settled entries kept per item: enough to answer repeats and late releases, small enough to keep context bounded. */
export const SETTLED_ENTRIES_KEPT = 1000;

export interface StockLevel {
  available: number;
  threshold: number;
}

/** True when a change takes the item from not-low to low, so the fact is emitted once per crossing. */
export const crossesBelowThreshold = (before: StockLevel, after: StockLevel): boolean =>
  before.available >= before.threshold && after.available < after.threshold;

const isSettled = (entry: Reservation): boolean => entry.status !== 'held';

/** `at` may carry any UTC offset, so entries are ordered by instant, then by order id to stay deterministic. */
const newestFirst = (a: Reservation, b: Reservation): number =>
  Date.parse(b.at) - Date.parse(a.at) || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);

/**
 * Writes `entry` and drops the oldest settled entries beyond SETTLED_ENTRIES_KEPT. Held entries are never dropped
 * (they account for `reserved`), and neither is the entry just written: the answer to its message is read from it,
 * even when that message carries an older time than the entries already kept.
 */
export function withEntry(
  reservations: Readonly<Record<string, Reservation>>,
  entry: Reservation,
): Record<string, Reservation> {
  const next = { ...reservations, [entry.orderId]: entry };
  const others = Object.values(next).filter((kept) => isSettled(kept) && kept.orderId !== entry.orderId);
  const room = SETTLED_ENTRIES_KEPT - (isSettled(entry) ? 1 : 0);
  if (others.length <= room) return next;
  const dropped = new Set(
    others
      .sort(newestFirst)
      .slice(room)
      .map((old) => old.orderId),
  );
  return Object.fromEntries(Object.entries(next).filter(([orderId]) => !dropped.has(orderId)));
}
