import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initialTransition, type SnapshotFrom, transition } from 'xstate';
import { type ActorRef, createEnvelope, formatRef } from '../../actors/envelope.ts';
import { DuplicateMessageError, StaleWriterError } from '../../actors/errors.ts';
import type { PersistedSnapshot, PersistencePort, Turn } from '../../actors/ports.ts';
import { createMemoryPersistence } from '../../actors/testing/memoryPersistence.ts';
import { NO_TIMER_CHANGES } from '../../actors/timers.ts';
import { ActorJournal } from '../../db/entities/ActorJournal.ts';
import { ActorState } from '../../db/entities/ActorState.ts';
import { ActorTimer } from '../../db/entities/ActorTimer.ts';
import { Order } from '../../db/entities/Order.ts';
import { OrderItem } from '../../db/entities/OrderItem.ts';
import { OutboxEvent } from '../../db/entities/OutboxEvent.ts';
import { ProcessedMessage } from '../../db/entities/ProcessedMessage.ts';
import { openOrm } from '../../db/orm.ts';
import { OUTBOX_CHANNEL } from '../../db/outboxStore.ts';
import { createPostgresPersistence } from '../../db/postgresPersistence.ts';
import { projectOrder } from '../../db/projections/orderProjection.ts';
import { projectionWriters } from '../../db/projections/projectionWriters.ts';
import { orderMachine } from '../../machines/order/orderMachine.ts';
import { TEST_ENV } from '../support/testConfig.ts';

/**
 * One contract, two implementations: the in-memory twin the runtime's unit tests use must behave like the
 * PostgreSQL adapter, or those tests prove nothing.
 */
interface OrderReadRow {
  status: string;
  version: number;
  itemCount: number;
}

interface Harness {
  readonly persistence: PersistencePort;
  outboxOf(aggregateId: string): Promise<{ id: string; type: string }[]>;
  processedOf(ref: ActorRef): Promise<string[]>;
  orderRow(orderId: string): Promise<OrderReadRow | undefined>;
  close(): Promise<void>;
}

function memoryHarness(): Harness {
  const persistence = createMemoryPersistence();
  return {
    persistence,
    async outboxOf(aggregateId) {
      return persistence.outbox
        .filter((message) => message.aggregateId === aggregateId)
        .map(({ envelope }) => ({ id: envelope.id, type: envelope.type }));
    },
    async processedOf(ref) {
      return [...(persistence.processed.get(formatRef(ref)) ?? [])].sort();
    },
    async orderRow(orderId) {
      const last = persistence.committed.findLast(
        (turn) => turn.ref.type === 'order' && turn.ref.id === orderId,
      );
      if (!last) return undefined;
      const { order, items } = projectOrder(last);
      return { status: order.status, version: order.version, itemCount: items.length };
    },
    async close() {},
  };
}

async function postgresHarness(): Promise<Harness> {
  const orm = await openOrm(TEST_ENV.DATABASE_URL);
  return {
    persistence: createPostgresPersistence({ orm, projections: projectionWriters, nodeId: 'contract-test' }),
    async outboxOf(aggregateId) {
      const rows = await orm.em.fork().find(OutboxEvent, { aggregateId }, { orderBy: { seq: 'asc' } });
      return rows.map((row) => ({ id: row.id, type: row.type }));
    },
    async processedOf(ref) {
      const rows = await orm.em.fork().find(ProcessedMessage, { actorType: ref.type, actorId: ref.id });
      return rows.map((row) => row.messageId).sort();
    },
    async orderRow(orderId) {
      const em = orm.em.fork();
      const order = await em.findOne(Order, { id: orderId });
      if (!order) return undefined;
      return {
        status: order.status,
        version: order.version,
        itemCount: await em.count(OrderItem, { orderId }),
      };
    },
    close: () => orm.close(),
  };
}

type OrderSnapshot = SnapshotFrom<typeof orderMachine>;

/** A committed-or-not turn plus the live snapshot the next turn starts from, built with the real machine. */
interface Step {
  readonly turn: Turn;
  readonly snapshot: OrderSnapshot;
}

function turnOf(ref: ActorRef, snapshot: OrderSnapshot, version: number, factType: string): Turn {
  const message = createEnvelope({ type: 'test.command', payload: {} });
  const fact = createEnvelope({ type: factType, payload: { orderId: ref.id }, causationId: message.id });
  return {
    ref,
    machineId: 'order',
    machineVersion: '1',
    expectedVersion: version - 1,
    stateBefore: undefined,
    version,
    snapshot: orderMachine.getPersistedSnapshot(snapshot) as unknown as PersistedSnapshot,
    message,
    outbox: [{ aggregateType: 'order', aggregateId: ref.id, envelope: fact }],
    timers: NO_TIMER_CHANGES,
  };
}

function createOrder(): Step {
  const ref = { type: 'order', id: crypto.randomUUID() };
  const [snapshot] = initialTransition(orderMachine, {
    orderId: ref.id,
    customerId: crypto.randomUUID(),
    items: [
      { sku: 'MUG-01', quantity: 2, unitPriceCents: 1250 },
      { sku: 'TEA-07', quantity: 1, unitPriceCents: 499 },
    ],
    shippingAddress: {
      street: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      zipCode: '62701',
      country: 'US',
    },
    at: new Date().toISOString(),
  });
  return { snapshot, turn: turnOf(ref, snapshot, 1, 'order.created') };
}

type SimpleCommand = 'order.confirm' | 'order.process' | 'order.ship' | 'order.deliver';

function advance(previous: Step, type: SimpleCommand): Step {
  const [snapshot] = transition(orderMachine, previous.snapshot, { type, at: new Date().toISOString() });
  return {
    snapshot,
    turn: turnOf(previous.turn.ref, snapshot, previous.turn.version + 1, 'order.status.updated'),
  };
}

describe.each([
  ['in-memory twin', async () => memoryHarness()],
  ['PostgreSQL adapter', postgresHarness],
])('PersistencePort contract: %s', (_name, createHarness) => {
  let harness: Harness;
  let persistence: PersistencePort;

  beforeAll(async () => {
    harness = await createHarness();
    persistence = harness.persistence;
  });
  afterAll(() => harness.close());

  it('when nothing was committed for an actor, then load finds nothing and no message is processed', async () => {
    const ref = { type: 'order', id: crypto.randomUUID() };
    expect(await persistence.load(ref)).toBeUndefined();
    expect(await persistence.isProcessed(ref, crypto.randomUUID())).toBe(false);
  });

  it('when a creating turn commits, then load returns it at version 1 and its message is processed', async () => {
    const created = createOrder();
    await persistence.commitTurn(created.turn);

    const stored = await persistence.load(created.turn.ref);
    expect(stored).toEqual({
      machineId: 'order',
      machineVersion: '1',
      version: 1,
      snapshot: JSON.parse(JSON.stringify(created.turn.snapshot)),
    });
    expect(typeof stored?.version).toBe('number');
    expect(await persistence.isProcessed(created.turn.ref, created.turn.message.id)).toBe(true);
    expect(await persistence.isProcessed(created.turn.ref, crypto.randomUUID())).toBe(false);
  });

  it('when a turn carries the stored version, then it updates the actor to the next version', async () => {
    const created = createOrder();
    const confirmed = advance(created, 'order.confirm');
    await persistence.commitTurn(created.turn);
    await persistence.commitTurn(confirmed.turn);

    const stored = await persistence.load(created.turn.ref);
    expect(stored?.version).toBe(2);
    expect(stored?.snapshot.value).toBe('CONFIRMED');
  });

  it('when a stale writer commits, then it is rejected and nothing of its turn is written', async () => {
    const created = createOrder();
    const confirmed = advance(created, 'order.confirm');
    await persistence.commitTurn(created.turn);
    await persistence.commitTurn(confirmed.turn);
    const stale = advance(created, 'order.confirm'); // loaded at version 1, like the first writer did

    await expect(persistence.commitTurn(stale.turn)).rejects.toBeInstanceOf(StaleWriterError);

    const { ref } = created.turn;
    expect((await persistence.load(ref))?.version).toBe(2);
    expect(await harness.outboxOf(ref.id)).toEqual(
      [created, confirmed].map(({ turn }) => ({
        id: turn.outbox[0]?.envelope.id,
        type: turn.outbox[0]?.envelope.type,
      })),
    );
    expect(await harness.processedOf(ref)).toEqual(
      [created.turn.message.id, confirmed.turn.message.id].sort(),
    );
    expect(await persistence.isProcessed(ref, stale.turn.message.id)).toBe(false);
    expect((await harness.orderRow(ref.id))?.version).toBe(2);
  });

  it('when two writers create the same actor, then the second is a stale writer', async () => {
    const first = createOrder();
    const second = {
      ...first.turn,
      message: createEnvelope({ type: 'test.command', payload: {} }),
      outbox: [],
    };
    await persistence.commitTurn(first.turn);

    await expect(persistence.commitTurn(second)).rejects.toBeInstanceOf(StaleWriterError);
    expect(await harness.processedOf(first.turn.ref)).toEqual([first.turn.message.id]);
  });

  it('when two writers race from the same version, then exactly one wins', async () => {
    const created = createOrder();
    await persistence.commitTurn(created.turn);
    const racers = [advance(created, 'order.confirm'), advance(created, 'order.confirm')];

    const results = await Promise.allSettled(racers.map(({ turn }) => persistence.commitTurn(turn)));

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = results.filter((result) => result.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(StaleWriterError);
    expect((await persistence.load(created.turn.ref))?.version).toBe(2);
    expect(await harness.outboxOf(created.turn.ref.id)).toHaveLength(2);
  });

  it('when a message id was already applied, then it is rejected as a duplicate and nothing is written', async () => {
    const created = createOrder();
    await persistence.commitTurn(created.turn);
    const redelivered = advance(created, 'order.confirm');
    const duplicate = { ...redelivered.turn, message: created.turn.message };

    await expect(persistence.commitTurn(duplicate)).rejects.toBeInstanceOf(DuplicateMessageError);

    const { ref } = created.turn;
    expect((await persistence.load(ref))?.version).toBe(1);
    expect(await harness.outboxOf(ref.id)).toHaveLength(1);
    expect(await harness.processedOf(ref)).toEqual([created.turn.message.id]);
    expect(await harness.orderRow(ref.id)).toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('when turns commit, then outbox rows and the read model are written with them, in order', async () => {
    const created = createOrder();
    const confirmed = advance(created, 'order.confirm');
    await persistence.commitTurn(created.turn);
    await persistence.commitTurn(confirmed.turn);

    expect(await harness.outboxOf(created.turn.ref.id)).toEqual([
      { id: created.turn.outbox[0]?.envelope.id, type: 'order.created' },
      { id: confirmed.turn.outbox[0]?.envelope.id, type: 'order.status.updated' },
    ]);
    expect(await harness.orderRow(created.turn.ref.id)).toEqual({
      status: 'CONFIRMED',
      version: 2,
      itemCount: 2,
    });
  });

  it('when many turns commit, then versions are contiguous and a turn that skips one is refused', async () => {
    let step = createOrder();
    await persistence.commitTurn(step.turn);
    for (const type of ['order.confirm', 'order.process', 'order.ship', 'order.deliver'] as const) {
      step = advance(step, type);
      await persistence.commitTurn(step.turn);
    }
    const { ref } = step.turn;
    expect((await persistence.load(ref))?.version).toBe(5);

    const skipping = {
      ...step.turn,
      message: createEnvelope({ type: 'test.command', payload: {} }),
      version: 7,
    };
    await expect(persistence.commitTurn({ ...skipping, expectedVersion: 5 })).rejects.toThrow(RangeError);
    expect((await persistence.load(ref))?.version).toBe(5);
    expect(await harness.outboxOf(ref.id)).toHaveLength(5);
  });
});

describe('PostgreSQL adapter beyond the contract', () => {
  let orm: Awaited<ReturnType<typeof openOrm>>;
  let persistence: PersistencePort;

  beforeAll(async () => {
    orm = await openOrm(TEST_ENV.DATABASE_URL);
    persistence = createPostgresPersistence({ orm, projections: projectionWriters, nodeId: 'contract-test' });
  });
  afterAll(() => orm.close());

  it('when the read model cannot be written, then state, outbox and processed id roll back with it', async () => {
    const created = createOrder();
    const broken = { ...created.turn, snapshot: { ...created.turn.snapshot, value: 'NOT_A_STATUS' } };

    await expect(persistence.commitTurn(broken)).rejects.toThrow(/is not an order status/);

    const em = orm.em.fork();
    const { ref } = created.turn;
    expect(await em.count(ActorState, { actorType: ref.type, actorId: ref.id })).toBe(0);
    expect(await em.count(OutboxEvent, { aggregateId: ref.id })).toBe(0);
    expect(await em.count(ProcessedMessage, { actorType: ref.type, actorId: ref.id })).toBe(0);
  });

  it('when a turn commits, then the outbox row has Debezium columns, headers and a numeric publish sequence', async () => {
    const created = createOrder();
    await persistence.commitTurn(created.turn);

    const [row] = await orm.em.fork().find(OutboxEvent, { aggregateId: created.turn.ref.id });
    const envelope = created.turn.outbox[0]?.envelope;
    expect(row).toMatchObject({
      id: envelope?.id,
      aggregateType: 'order',
      type: 'order.created',
      payload: envelope?.payload,
      headers: {
        correlationId: envelope?.correlationId,
        causationId: created.turn.message.id,
        schemaVersion: 1,
        occurredAt: envelope?.occurredAt,
      },
      publishedAt: null,
      attempts: 0,
    });
    expect(typeof row?.seq).toBe('number');
  });

  it('when turns of many actors are ready at once, then they share statements and each is applied or refused alone', async () => {
    const batches: number[] = [];
    const grouped = createPostgresPersistence({
      orm,
      projections: projectionWriters,
      nodeId: 'contract-test',
      commitConcurrency: 1,
      onCommitBatch: (turns) => batches.push(turns),
    });
    const existing = createOrder();
    await grouped.commitTurn(existing.turn);
    const creates = Array.from({ length: 12 }, () => createOrder());
    // Far off, and removed at the end: no timer service of another test may fire them.
    const dueAt = new Date(Date.now() + 86_400_000).toISOString();
    const withTimer = (turn: Turn): Turn => ({
      ...turn,
      timers: {
        set: [{ timerId: 't1', eventType: 'test.timeout', dueAt, messageId: crypto.randomUUID() }],
        cancel: [],
      },
    });
    const confirmed = advance(existing, 'order.confirm');
    const duplicate = { ...advance(existing, 'order.confirm').turn, message: existing.turn.message };
    const stale = { ...advance(createOrder(), 'order.confirm').turn, expectedVersion: 1 }; // was never created
    batches.length = 0;

    const results = await Promise.allSettled([
      grouped.commitTurn(withTimer(confirmed.turn)),
      ...creates.map(({ turn }) => grouped.commitTurn(withTimer(turn))),
      grouped.commitTurn(duplicate),
      grouped.commitTurn(stale),
    ]);

    // The first went alone; the rest were ready while it was in flight and went together (then, refused, one by one).
    expect(batches[0]).toBe(1);
    expect(batches[1]).toBe(14);
    expect(results.slice(0, 13).every((result) => result.status === 'fulfilled')).toBe(true);
    expect(results[13]).toMatchObject({ status: 'rejected', reason: expect.any(DuplicateMessageError) });
    expect(results[14]).toMatchObject({ status: 'rejected', reason: expect.any(StaleWriterError) });
    const em = orm.em.fork();
    for (const { turn } of [confirmed, ...creates]) {
      const { ref } = turn;
      expect((await grouped.load(ref))?.version).toBe(turn.version);
      expect(await em.count(OutboxEvent, { id: turn.outbox[0]?.envelope.id })).toBe(1);
      expect(await em.count(ActorTimer, { actorType: ref.type, actorId: ref.id, timerId: 't1' })).toBe(1);
      expect(
        await em.count(ActorJournal, { actorType: ref.type, actorId: ref.id, version: turn.version }),
      ).toBe(1);
      expect(await em.findOne(Order, { id: ref.id })).toMatchObject({ version: turn.version });
      expect(await em.count(OrderItem, { orderId: ref.id })).toBe(2);
    }
    expect(await em.count(OutboxEvent, { id: duplicate.outbox[0]?.envelope.id })).toBe(0);
    expect(await em.count(ActorState, { actorType: 'order', actorId: stale.ref.id })).toBe(0);
    expect(await em.count(ProcessedMessage, { actorType: 'order', actorId: stale.ref.id })).toBe(0);
    await em.nativeDelete(ActorTimer, {
      timerId: 't1',
      actorId: { $in: [confirmed, ...creates].map(({ turn }) => turn.ref.id) },
    });
  });

  it('when an order turn has fewer lines than the read model, then the extra lines are deleted with it', async () => {
    const created = createOrder();
    await persistence.commitTurn(created.turn);
    const confirmed = advance(created, 'order.confirm');
    type Line = { quantity: number; unitPriceCents: number };
    const context = confirmed.turn.snapshot.context as { items: Line[]; totalCents: number };
    const [first] = context.items;
    // A consistent order of one line (its total too): other tests check every order's total against its lines.
    const items = first ? [first] : [];
    const totalCents = items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    const shrunk = {
      ...confirmed.turn,
      snapshot: { ...confirmed.turn.snapshot, context: { ...context, items, totalCents } },
    };
    const untouched = createOrder();
    await persistence.commitTurn(untouched.turn);

    await persistence.commitTurn(shrunk);

    const em = orm.em.fork();
    expect(await em.count(OrderItem, { orderId: created.turn.ref.id })).toBe(1);
    expect(await em.count(OrderItem, { orderId: untouched.turn.ref.id })).toBe(2);
  });

  it('when a turn with outbox messages commits, then the outbox relay is notified', async () => {
    const listener = new pg.Client({ connectionString: TEST_ENV.DATABASE_URL });
    await listener.connect();
    try {
      const notified = vi.fn();
      listener.on('notification', notified);
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);

      await persistence.commitTurn(createOrder().turn);

      await vi.waitFor(() => expect(notified).toHaveBeenCalled(), { timeout: 5000 });
    } finally {
      await listener.end();
    }
  });
});
