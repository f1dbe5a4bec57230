import { describe, expect, it } from 'vitest';
import { getNextTransitions, initialTransition, type SnapshotFrom, transition } from 'xstate';
import type { ReplyTo } from '../shared/replyTo.ts';
import {
  type InventoryItemEmitted,
  type InventoryItemEvent,
  type InventoryItemInput,
  inventoryItemEventSchema,
  inventoryItemInputSchema,
  inventoryReleasedSchema,
  inventoryReservationFailedSchema,
  inventoryReservedSchema,
  type Reservation,
} from './inventoryItemEvents.ts';
import { inventoryItemMachine } from './inventoryItemMachine.ts';
import { SETTLED_ENTRIES_KEPT, withEntry } from './reservations.ts';

type ItemSnapshot = SnapshotFrom<typeof inventoryItemMachine>;
type EventType = InventoryItemEvent['type'];
type EventOf<T extends EventType> = Extract<InventoryItemEvent, { type: T }>;

const SKU = 'MUG-RED';
const CREATED_AT = '2025-03-01T09:00:00.000Z';

/** Message time `n` minutes after creation: every event gets its own, so a wrong `at` shows up. */
const minute = (n: number) => new Date(Date.parse(CREATED_AT) + n * 60_000).toISOString();
/** A valid v4 uuid per number, so hundreds of orders stay readable. */
const orderId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const sagaOf = (id: string): ReplyTo => ({ type: 'orderSaga', id });
const cancellationOf = (id: string): ReplyTo => ({ type: 'cancellationSaga', id });

const ORDER_A = orderId(1);
const ORDER_B = orderId(2);

const itemInput = (overrides: Partial<InventoryItemInput> = {}): InventoryItemInput => ({
  sku: SKU,
  name: 'Red mug',
  quantity: 20,
  lowStockThreshold: 5,
  at: CREATED_AT,
  ...overrides,
});

const reserve = (order: string, quantity: number, at: string, replyTo = sagaOf(order)) =>
  ({ type: 'inventory.reserve', orderId: order, sku: SKU, quantity, replyTo, at }) as const;
const release = (order: string, at: string, replyTo = sagaOf(order)) =>
  ({ type: 'inventory.release', orderId: order, sku: SKU, replyTo, reason: 'order cancelled', at }) as const;
const commit = (order: string, at: string) =>
  ({ type: 'inventory.commit', orderId: order, sku: SKU, at }) as const;
const restock = (quantity: number, at: string) => ({ type: 'inventory.restock', quantity, at }) as const;
const remove = (at: string) => ({ type: 'inventory.item.delete', at }) as const;

/** One valid event of every type the machine declares. */
const SAMPLE: { [T in EventType]: EventOf<T> } = {
  'inventory.item.update': { type: 'inventory.item.update', name: 'Red mug, large', at: minute(90) },
  'inventory.item.delete': remove(minute(91)),
  'inventory.restock': restock(4, minute(92)),
  'inventory.reserve': reserve(orderId(900), 1, minute(93)),
  'inventory.release': release(orderId(901), minute(94)),
  'inventory.commit': commit(orderId(902), minute(95)),
};
const ALL_EVENT_TYPES = inventoryItemEventSchema.options.map((option) => option.shape.type.value);
const ACCEPTED_IN_ACTIVE = [...ALL_EVENT_TYPES];

const sorted = <T>(values: Iterable<T>) => [...values].sort();

const ANSWER_SCHEMAS = {
  'inventory.reserved': inventoryReservedSchema,
  'inventory.reservation.failed': inventoryReservationFailedSchema,
  'inventory.released': inventoryReleasedSchema,
} as const;

/** The emitted facts; the answers must also match their published schema exactly (no missing or extra field). */
function emittedBy(actions: readonly { type: string; params?: unknown }[]): InventoryItemEmitted[] {
  const emitted = actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: InventoryItemEmitted }).event);
  for (const { type, ...payload } of emitted) {
    if (type in ANSWER_SCHEMAS) {
      const schema = ANSWER_SCHEMAS[type as keyof typeof ANSWER_SCHEMAS];
      expect(schema.strict().parse(payload)).toStrictEqual(payload);
    }
  }
  return emitted;
}

const heldUnits = (snapshot: ItemSnapshot) =>
  Object.values(snapshot.context.reservations)
    .filter((entry) => entry.status === 'held')
    .reduce((sum, entry) => sum + entry.quantity, 0);

/** Never negative, and `reserved` is exactly what the held entries hold. Checked after every event below. */
function expectSound(snapshot: ItemSnapshot) {
  const { available, reserved, reservations } = snapshot.context;
  const misfiled = Object.entries(reservations).filter(([key, entry]) => entry.orderId !== key);
  expect({ available: available >= 0, reserved: reserved >= 0, misfiled }).toEqual({
    available: true,
    reserved: true,
    misfiled: [],
  });
  expect(reserved).toBe(heldUnits(snapshot));
}

function create(input: InventoryItemInput = itemInput()) {
  const [snapshot, actions] = initialTransition(inventoryItemMachine, input);
  expectSound(snapshot);
  return { snapshot, actions, emitted: emittedBy(actions) };
}

function send(snapshot: ItemSnapshot, event: InventoryItemEvent) {
  const [next, actions] = transition(inventoryItemMachine, snapshot, event);
  expectSound(next);
  return { snapshot: next, actions, emitted: emittedBy(actions) };
}

/** Applies the events in order; returns the last snapshot and every fact emitted on the way. */
function sendAll(snapshot: ItemSnapshot, events: readonly InventoryItemEvent[]) {
  const emitted: InventoryItemEmitted[] = [];
  let last = snapshot;
  for (const event of events) {
    const step = send(last, event);
    last = step.snapshot;
    emitted.push(...step.emitted);
  }
  return { snapshot: last, emitted };
}

const item = (events: readonly InventoryItemEvent[] = [], input = itemInput()) =>
  sendAll(create(input).snapshot, events).snapshot;

const reserved = (order: string, quantity: number, replyTo = sagaOf(order)) => ({
  type: 'inventory.reserved',
  sku: SKU,
  orderId: order,
  quantity,
  replyTo,
});
const released = (order: string, quantity: number, replyTo = sagaOf(order)) => ({
  type: 'inventory.released',
  sku: SKU,
  orderId: order,
  quantity,
  replyTo,
});
const failed = (
  order: string,
  numbers: { requested: number; available: number; shortfall: number },
  reason: 'INSUFFICIENT_STOCK' | 'RELEASED',
  replyTo = sagaOf(order),
) => ({ type: 'inventory.reservation.failed', sku: SKU, orderId: order, ...numbers, reason, replyTo });
const lowStock = (available: number, threshold = 5) => ({
  type: 'inventory.low-stock',
  sku: SKU,
  available,
  threshold,
});

describe('sample events', () => {
  it('cover every event type in the schema and each one is valid', () => {
    expect(sorted(Object.keys(SAMPLE))).toEqual(sorted(ALL_EVENT_TYPES));
    expect(ALL_EVENT_TYPES).toHaveLength(6);
    for (const event of Object.values(SAMPLE)) expect(inventoryItemEventSchema.parse(event)).toEqual(event);
    expect(inventoryItemInputSchema.parse(itemInput())).toEqual(itemInput());
  });
});

describe('creating an item', () => {
  it('starts active with the input stock available, nothing reserved and no entries; it emits nothing', () => {
    const { snapshot, actions } = create();

    expect(snapshot.value).toBe('active');
    expect(snapshot.status).toBe('active');
    expect(snapshot.context).toStrictEqual({
      sku: SKU,
      name: 'Red mug',
      available: 20,
      reserved: 0,
      lowStockThreshold: 5,
      reservations: {},
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    });
    expect(actions).toEqual([]);
  });

  it('takes the schema default threshold of 0', () => {
    const input = inventoryItemInputSchema.parse({ sku: SKU, name: 'Mug', quantity: 0, at: CREATED_AT });
    expect(create(input).snapshot.context.lowStockThreshold).toBe(0);
  });
});

describe('inventory.item.update', () => {
  it('changes only the fields given and moves updatedAt', () => {
    const renamed = send(item(), { type: 'inventory.item.update', name: 'Mug (red)', at: minute(1) });
    expect(renamed.snapshot.context).toMatchObject({
      name: 'Mug (red)',
      lowStockThreshold: 5,
      updatedAt: minute(1),
    });
    expect(renamed.emitted).toEqual([]);

    const rethresholded = send(renamed.snapshot, {
      type: 'inventory.item.update',
      lowStockThreshold: 8,
      at: minute(2),
    });
    expect(rethresholded.snapshot.context).toMatchObject({
      name: 'Mug (red)',
      lowStockThreshold: 8,
      updatedAt: minute(2),
    });
    expect(rethresholded.snapshot.context.available).toBe(20);
    expect(rethresholded.emitted).toEqual([]);
  });

  it('emits low-stock once when a raised threshold puts the current stock below it', () => {
    const up = send(item(), { type: 'inventory.item.update', lowStockThreshold: 21, at: minute(1) });
    expect(up.emitted).toStrictEqual([lowStock(20, 21)]);

    const higher = send(up.snapshot, { type: 'inventory.item.update', lowStockThreshold: 30, at: minute(2) });
    expect(higher.emitted).toEqual([]);
    expect(
      send(item(), { type: 'inventory.item.update', lowStockThreshold: 20, at: minute(1) }).emitted,
    ).toEqual([]);
  });
});

describe('inventory.restock', () => {
  it('adds to available, moves updatedAt and emits nothing', () => {
    const { snapshot, emitted } = send(item(), restock(7, minute(1)));
    expect(snapshot.context).toMatchObject({ available: 27, reserved: 0, updatedAt: minute(1) });
    expect(emitted).toEqual([]);
  });

  it('clears low stock, so the next crossing is announced again', () => {
    const low = item([reserve(ORDER_A, 16, minute(1))]);
    expect(low.context.available).toBe(4);

    const refilled = send(low, restock(10, minute(2)));
    expect(refilled.emitted).toEqual([]);
    const again = send(refilled.snapshot, reserve(ORDER_B, 10, minute(3)));
    expect(again.emitted).toStrictEqual([reserved(ORDER_B, 10), lowStock(4)]);
  });
});

describe('inventory.reserve', () => {
  it('that fits moves the quantity from available to reserved, holds it and answers inventory.reserved', () => {
    const { snapshot, emitted } = send(item(), reserve(ORDER_A, 3, minute(1)));

    expect(snapshot.value).toBe('active');
    expect(snapshot.context).toMatchObject({ available: 17, reserved: 3, updatedAt: minute(1) });
    expect(snapshot.context.reservations).toStrictEqual({
      [ORDER_A]: { orderId: ORDER_A, quantity: 3, status: 'held', at: minute(1) },
    });
    expect(emitted).toStrictEqual([reserved(ORDER_A, 3)]);
  });

  it('of exactly what is available succeeds and leaves 0', () => {
    const { snapshot, emitted } = send(
      item([], itemInput({ lowStockThreshold: 0 })),
      reserve(ORDER_A, 20, minute(1)),
    );
    expect(snapshot.context).toMatchObject({ available: 0, reserved: 20 });
    expect(emitted).toStrictEqual([reserved(ORDER_A, 20)]);
  });

  it('beyond available fails with the shortfall, records it and changes no stock', () => {
    const before = item([reserve(ORDER_A, 15, minute(1))]);
    const { snapshot, emitted } = send(before, reserve(ORDER_B, 8, minute(2)));

    expect(snapshot.context).toMatchObject({ available: 5, reserved: 15, updatedAt: minute(2) });
    expect(snapshot.context.reservations[ORDER_B]).toStrictEqual({
      orderId: ORDER_B,
      quantity: 8,
      status: 'failed',
      reason: 'INSUFFICIENT_STOCK',
      shortfall: 3,
      at: minute(2),
    });
    expect(emitted).toStrictEqual([
      failed(ORDER_B, { requested: 8, available: 5, shortfall: 3 }, 'INSUFFICIENT_STOCK'),
    ]);
  });

  it('repeated for a held order answers inventory.reserved again, to the repeat’s replyTo, and changes nothing', () => {
    const held = item([reserve(ORDER_A, 3, minute(1))]);
    const again = send(held, reserve(ORDER_A, 3, minute(2), cancellationOf(ORDER_A)));
    expect(again.snapshot.context).toStrictEqual(held.context);
    expect(again.emitted).toStrictEqual([reserved(ORDER_A, 3, cancellationOf(ORDER_A))]);

    // The first answer wins even if the repeat asks for a different quantity.
    const different = send(held, reserve(ORDER_A, 9, minute(3)));
    expect(different.snapshot.context).toStrictEqual(held.context);
    expect(different.emitted).toStrictEqual([reserved(ORDER_A, 3)]);
  });

  it('repeated for a failed order repeats the first failure, even once stock would now suffice', () => {
    const failedOnce = item([reserve(ORDER_A, 15, minute(1)), reserve(ORDER_B, 8, minute(2))]);
    const restocked = send(failedOnce, restock(100, minute(3))).snapshot;
    const again = send(restocked, reserve(ORDER_B, 8, minute(4)));

    expect(again.snapshot.context).toStrictEqual(restocked.context);
    expect(again.emitted).toStrictEqual([
      failed(ORDER_B, { requested: 8, available: 5, shortfall: 3 }, 'INSUFFICIENT_STOCK'),
    ]);
  });

  it('repeated for a committed order answers inventory.reserved (its first answer) and changes nothing', () => {
    const committed = item([reserve(ORDER_A, 3, minute(1)), commit(ORDER_A, minute(2))]);
    const again = send(committed, reserve(ORDER_A, 3, minute(3)));
    expect(again.snapshot.context).toStrictEqual(committed.context);
    expect(again.emitted).toStrictEqual([reserved(ORDER_A, 3)]);
  });

  it('for an order released before (or without) its reservation is refused RELEASED and changes nothing', () => {
    for (const history of [
      [release(ORDER_A, minute(1))],
      [reserve(ORDER_A, 3, minute(1)), release(ORDER_A, minute(2))],
    ]) {
      const releasedFirst = item(history);
      const { snapshot, emitted } = send(releasedFirst, reserve(ORDER_A, 3, minute(5)));
      expect(snapshot.context).toStrictEqual(releasedFirst.context);
      expect(snapshot.context.available).toBe(20);
      expect(emitted).toStrictEqual([
        failed(ORDER_A, { requested: 3, available: 20, shortfall: 0 }, 'RELEASED'),
      ]);
    }
  });

  it('never oversells: 200 requests of 1 against 50 units reserve exactly 50 and fail 150 with the shortfall', () => {
    const start = item([], itemInput({ quantity: 50, lowStockThreshold: 0 }));
    const requests = Array.from({ length: 200 }, (_, n) => reserve(orderId(100 + n), 1, minute(10 + n)));
    const { snapshot, emitted } = sendAll(start, requests);

    expect(snapshot.context.available).toBe(0);
    expect(snapshot.context.reserved).toBe(50);
    const answers = emitted.filter((fact) => fact.type !== 'inventory.low-stock');
    expect(answers).toHaveLength(200);
    expect(answers.filter((fact) => fact.type === 'inventory.reserved')).toHaveLength(50);
    const failures = answers.filter((fact) => fact.type === 'inventory.reservation.failed');
    expect(failures).toHaveLength(150);
    for (const failure of failures) {
      expect(failure).toMatchObject({
        requested: 1,
        available: 0,
        shortfall: 1,
        reason: 'INSUFFICIENT_STOCK',
      });
    }
    expect(answers.slice(0, 50).every((fact) => fact.type === 'inventory.reserved')).toBe(true);
    const statuses = Object.values(snapshot.context.reservations).map((entry) => entry.status);
    expect(statuses.filter((status) => status === 'held')).toHaveLength(50);
    expect(statuses.filter((status) => status === 'failed')).toHaveLength(150);
  });
});

describe('inventory.release', () => {
  it('of a held order gives the stock back, marks it released and answers with that quantity', () => {
    const held = item([reserve(ORDER_A, 3, minute(1))]);
    const { snapshot, emitted } = send(held, release(ORDER_A, minute(2), cancellationOf(ORDER_A)));

    expect(snapshot.context).toMatchObject({ available: 20, reserved: 0, updatedAt: minute(2) });
    expect(snapshot.context.reservations[ORDER_A]).toStrictEqual({
      orderId: ORDER_A,
      quantity: 3,
      status: 'released',
      at: minute(2),
    });
    expect(emitted).toStrictEqual([released(ORDER_A, 3, cancellationOf(ORDER_A))]);
  });

  it('repeated after a release answers the original quantity again and changes nothing', () => {
    const releasedOnce = item([reserve(ORDER_A, 3, minute(1)), release(ORDER_A, minute(2))]);
    const again = send(releasedOnce, release(ORDER_A, minute(3)));
    expect(again.snapshot.context).toStrictEqual(releasedOnce.context);
    expect(again.emitted).toStrictEqual([released(ORDER_A, 3)]);
  });

  it('that overtakes its reservation records released with quantity 0 and answers quantity 0', () => {
    const { snapshot, emitted } = send(item(), release(ORDER_A, minute(1)));

    expect(snapshot.context).toMatchObject({ available: 20, reserved: 0, updatedAt: minute(1) });
    expect(snapshot.context.reservations[ORDER_A]).toStrictEqual({
      orderId: ORDER_A,
      quantity: 0,
      status: 'released',
      at: minute(1),
    });
    expect(emitted).toStrictEqual([released(ORDER_A, 0)]);
    expect(send(snapshot, release(ORDER_A, minute(2))).emitted).toStrictEqual([released(ORDER_A, 0)]);
  });

  it('of a failed reservation answers 0 and leaves the entry failed', () => {
    const failedOnce = item([reserve(ORDER_A, 25, minute(1))]);
    const { snapshot, emitted } = send(failedOnce, release(ORDER_A, minute(2)));
    expect(snapshot.context).toStrictEqual(failedOnce.context);
    expect(snapshot.context.reservations[ORDER_A]?.status).toBe('failed');
    expect(emitted).toStrictEqual([released(ORDER_A, 0)]);
  });

  it('of a committed reservation answers 0, because that stock has left, and changes nothing', () => {
    const committed = item([reserve(ORDER_A, 3, minute(1)), commit(ORDER_A, minute(2))]);
    const { snapshot, emitted } = send(committed, release(ORDER_A, minute(3)));
    expect(snapshot.context).toStrictEqual(committed.context);
    expect(snapshot.context).toMatchObject({ available: 17, reserved: 0 });
    expect(emitted).toStrictEqual([released(ORDER_A, 0)]);
  });
});

describe('inventory.commit', () => {
  it('of a held order takes it out of reserved, marks it committed and emits inventory.committed', () => {
    const held = item([reserve(ORDER_A, 3, minute(1)), reserve(ORDER_B, 2, minute(2))]);
    const { snapshot, emitted } = send(held, commit(ORDER_A, minute(3)));

    expect(snapshot.context).toMatchObject({ available: 15, reserved: 2, updatedAt: minute(3) });
    expect(snapshot.context.reservations[ORDER_A]).toStrictEqual({
      orderId: ORDER_A,
      quantity: 3,
      status: 'committed',
      at: minute(3),
    });
    expect(emitted).toStrictEqual([{ type: 'inventory.committed', sku: SKU, orderId: ORDER_A, quantity: 3 }]);
  });

  it.each([
    ['already committed', [reserve(ORDER_A, 3, minute(1)), commit(ORDER_A, minute(2))]],
    ['already released', [reserve(ORDER_A, 3, minute(1)), release(ORDER_A, minute(2))]],
    ['whose reservation failed', [reserve(ORDER_A, 30, minute(1))]],
    ['never reserved', []],
  ] as const)('of an order %s is accepted, changes nothing and emits nothing', (_, history) => {
    const before = item(history);
    expect(before.can(commit(ORDER_A, minute(5)))).toBe(true);
    const { snapshot, emitted } = send(before, commit(ORDER_A, minute(5)));
    expect(snapshot.context).toStrictEqual(before.context);
    expect(emitted).toEqual([]);
  });
});

describe('inventory.low-stock', () => {
  it('is emitted once, after the answer, when a reservation takes available below the threshold', () => {
    const start = item([], itemInput({ quantity: 12, lowStockThreshold: 10 }));
    const toThreshold = send(start, reserve(orderId(1), 2, minute(1)));
    expect(toThreshold.snapshot.context.available).toBe(10);
    expect(toThreshold.emitted).toStrictEqual([reserved(orderId(1), 2)]);

    const below = send(toThreshold.snapshot, reserve(orderId(2), 1, minute(2)));
    expect(below.emitted).toStrictEqual([reserved(orderId(2), 1), lowStock(9, 10)]);

    const further = sendAll(below.snapshot, [
      reserve(orderId(3), 1, minute(3)),
      reserve(orderId(4), 8, minute(4)),
    ]);
    expect(further.snapshot.context.available).toBe(0);
    expect(further.emitted.filter((fact) => fact.type === 'inventory.low-stock')).toEqual([]);
  });

  it('is emitted again after a release lifts the stock back to the threshold', () => {
    const low = item([reserve(ORDER_A, 16, minute(1))]);
    const lifted = send(low, release(ORDER_A, minute(2))).snapshot;
    expect(send(lifted, reserve(ORDER_B, 16, minute(3))).emitted).toStrictEqual([
      reserved(ORDER_B, 16),
      lowStock(4),
    ]);
  });

  it('is never emitted by a failed reservation, a repeat, or with threshold 0', () => {
    const low = item([reserve(ORDER_A, 16, minute(1))]);
    expect(send(low, reserve(ORDER_B, 10, minute(2))).emitted.map((fact) => fact.type)).toEqual([
      'inventory.reservation.failed',
    ]);
    expect(send(low, reserve(ORDER_A, 16, minute(2))).emitted).toStrictEqual([reserved(ORDER_A, 16)]);
    const noThreshold = item([], itemInput({ lowStockThreshold: 0 }));
    expect(send(noThreshold, reserve(ORDER_A, 20, minute(1))).emitted).toStrictEqual([reserved(ORDER_A, 20)]);
  });
});

describe('any sequence of messages', () => {
  /** mulberry32: a seeded generator, so a failure reproduces. */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  it.each([1, 2, 3])(
    'keeps stock sound and conserved, and announces each low-stock crossing (seed %i)',
    (seed) => {
      const next = random(seed);
      const pick = (n: number) => Math.floor(next() * n);
      let snapshot = item([], itemInput({ quantity: 30, lowStockThreshold: 8 }));
      let restocked = 0;
      for (let step = 1; step <= 400; step += 1) {
        const order = orderId(pick(40));
        const at = minute(step);
        const event = [
          () => reserve(order, 1 + pick(6), at),
          () => release(order, at),
          () => commit(order, at),
          () => restock(1 + pick(4), at),
        ][pick(4)]?.() as InventoryItemEvent;
        if (event.type === 'inventory.restock') restocked += event.quantity;

        const before = snapshot.context.available;
        const result = send(snapshot, event);
        snapshot = result.snapshot;

        const committed = Object.values(snapshot.context.reservations)
          .filter((entry) => entry.status === 'committed')
          .reduce((sum, entry) => sum + entry.quantity, 0);
        expect(snapshot.context.available + snapshot.context.reserved + committed).toBe(30 + restocked);
        const crossed = before >= 8 && snapshot.context.available < 8;
        expect(result.emitted.filter((fact) => fact.type === 'inventory.low-stock')).toHaveLength(
          crossed ? 1 : 0,
        );
      }
    },
  );
});

describe('inventory.item.delete', () => {
  it('with nothing reserved ends in the final deleted state', () => {
    const { snapshot, emitted } = send(
      item([reserve(ORDER_A, 3, minute(1)), commit(ORDER_A, minute(2))]),
      remove(minute(3)),
    );
    expect(snapshot.value).toBe('deleted');
    expect(snapshot.status).toBe('done');
    expect(snapshot.context.updatedAt).toBe(minute(3));
    expect(emitted).toEqual([]);
  });

  it('is refused by `can` while anything is reserved, and allowed once it is released', () => {
    const held = item([reserve(ORDER_A, 3, minute(1))]);
    expect(held.can(remove(minute(2)))).toBe(false);
    const [unchanged, actions] = transition(inventoryItemMachine, held, remove(minute(2)));
    expect(unchanged.value).toBe('active');
    expect(actions).toEqual([]);

    const releasedAll = send(held, release(ORDER_A, minute(3))).snapshot;
    expect(releasedAll.can(remove(minute(4)))).toBe(true);
  });

  it('leaves a final state that accepts nothing', () => {
    const deleted = send(item(), remove(minute(1))).snapshot;
    expect(getNextTransitions(deleted)).toEqual([]);
    for (const type of ALL_EVENT_TYPES) {
      expect(deleted.can(SAMPLE[type])).toBe(false);
      const [after, actions] = transition(inventoryItemMachine, deleted, SAMPLE[type]);
      expect(after.context).toStrictEqual(deleted.context);
      expect(after.value).toBe('deleted');
      expect(actions).toEqual([]);
    }
  });
});

describe('accepted events, as the runtime names them in a rejection', () => {
  const eventTypes = (snapshot: ItemSnapshot) =>
    sorted(new Set(getNextTransitions(snapshot).map((t) => t.eventType)));

  it('active: every command (delete is listed, though its guard refuses it while stock is reserved)', () => {
    const held = item([reserve(ORDER_A, 3, minute(1))]);
    expect(eventTypes(item())).toEqual(sorted(ACCEPTED_IN_ACTIVE));
    expect(eventTypes(held)).toEqual(sorted(ACCEPTED_IN_ACTIVE));
    for (const type of ALL_EVENT_TYPES) expect(item().can(SAMPLE[type])).toBe(true);
  });

  it('deleted: nothing', () => {
    expect(eventTypes(send(item(), remove(minute(1))).snapshot)).toEqual([]);
  });
});

describe('pruning settled entries', () => {
  const entry = (n: number, status: Reservation['status'], at: string): Reservation => ({
    orderId: orderId(n),
    quantity: 1,
    status,
    at,
  });
  const settledCount = (reservations: Record<string, Reservation>) =>
    Object.values(reservations).filter((kept) => kept.status !== 'held').length;

  it('keeps the newest 1000 settled entries and every held one, through the machine', () => {
    const holding = item(
      [
        reserve(orderId(1), 1, minute(1)),
        reserve(orderId(2), 1, minute(2)),
        reserve(orderId(3), 1, minute(3)),
      ],
      itemInput({ quantity: 3, lowStockThreshold: 0 }),
    );
    const full = sendAll(
      holding,
      Array.from({ length: SETTLED_ENTRIES_KEPT }, (_, n) => reserve(orderId(1000 + n), 1, minute(10 + n))),
    ).snapshot;
    expect(settledCount(full.context.reservations)).toBe(1000);
    expect(full.context.reservations[orderId(1000)]).toBeDefined();

    const { snapshot, emitted } = send(full, reserve(orderId(5000), 1, minute(5000)));
    expect(settledCount(snapshot.context.reservations)).toBe(1000);
    expect(snapshot.context.reservations[orderId(1000)]).toBeUndefined();
    expect(snapshot.context.reservations[orderId(1001)]).toBeDefined();
    expect(snapshot.context.reservations[orderId(5000)]?.status).toBe('failed');
    expect(heldUnits(snapshot)).toBe(3);
    expect(emitted).toStrictEqual([
      failed(orderId(5000), { requested: 1, available: 0, shortfall: 1 }, 'INSUFFICIENT_STOCK'),
    ]);

    // A message with an older time than every kept entry still keeps its own entry, so it is answered.
    const late = send(snapshot, release(orderId(6000), minute(0)));
    expect(late.snapshot.context.reservations[orderId(6000)]?.status).toBe('released');
    expect(late.snapshot.context.reservations[orderId(1001)]).toBeUndefined();
    expect(late.emitted).toStrictEqual([released(orderId(6000), 0)]);
  });

  it('orders entries by instant, whatever their UTC offset', () => {
    const kept = Object.fromEntries(
      Array.from({ length: SETTLED_ENTRIES_KEPT - 1 }, (_, n) =>
        entry(10 + n, 'released', minute(100 + n)),
      ).map((settled) => [settled.orderId, settled]),
    );
    // 10:30+02:00 is 08:30Z: older than 09:00Z, although it sorts later as text.
    const offset = entry(1, 'committed', '2025-03-01T10:30:00.000+02:00');
    const pruned = withEntry(withEntry(kept, offset), entry(2, 'failed', minute(5000)));
    expect(pruned[orderId(1)]).toBeUndefined();
    expect(settledCount(pruned)).toBe(1000);

    const withHeld = withEntry(pruned, entry(3, 'held', '2020-01-01T00:00:00.000Z'));
    expect(Object.keys(withHeld)).toHaveLength(1001);
  });
});

describe('persisted snapshot', () => {
  const roundTrip = (snapshot: ItemSnapshot) => {
    const parsed: unknown = JSON.parse(JSON.stringify(inventoryItemMachine.getPersistedSnapshot(snapshot)));
    return inventoryItemMachine.resolveState(parsed as typeof snapshot);
  };

  it('restored mid-flight keeps context and answers, and continues correctly', () => {
    const live = item([
      reserve(ORDER_A, 3, minute(1)),
      reserve(ORDER_B, 30, minute(2)),
      release(orderId(3), minute(3)),
    ]);
    const restored = roundTrip(live);

    expect(restored.value).toBe('active');
    expect(restored.context).toStrictEqual(live.context);
    expect(sorted(new Set(getNextTransitions(restored).map((t) => t.eventType)))).toEqual(
      sorted(ACCEPTED_IN_ACTIVE),
    );
    expect(send(restored, reserve(ORDER_B, 30, minute(4))).emitted).toStrictEqual([
      failed(ORDER_B, { requested: 30, available: 17, shortfall: 13 }, 'INSUFFICIENT_STOCK'),
    ]);
    expect(send(restored, reserve(orderId(3), 1, minute(4))).emitted).toStrictEqual([
      failed(orderId(3), { requested: 1, available: 17, shortfall: 0 }, 'RELEASED'),
    ]);
    expect(restored.can(remove(minute(4)))).toBe(false);

    const releasedA = send(restored, release(ORDER_A, minute(5)));
    expect(releasedA.emitted).toStrictEqual([released(ORDER_A, 3)]);
    const deleted = send(roundTrip(releasedA.snapshot), remove(minute(6))).snapshot;
    expect(deleted.value).toBe('deleted');

    const restoredDeleted = roundTrip(deleted);
    expect(restoredDeleted.status).toBe('done');
    expect(ALL_EVENT_TYPES.filter((type) => restoredDeleted.can(SAMPLE[type]))).toEqual([]);
  });
});
