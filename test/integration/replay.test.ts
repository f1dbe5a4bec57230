import { TRPCClientError } from '@trpc/client';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../bridge/kafka/deadLetters.ts';
import { sagaRoutes } from '../../bridge/kafka/routes/sagaRoutes.ts';
import { type ReplayInput, runReplay } from '../../cli/commands/replay.ts';
import { produce, watchTopics } from '../support/kafkaRecords.ts';
import { waitForRouterCaughtUp } from '../support/routerLag.ts';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { query, queryOne } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * `replay.run` re-drives a range of Kafka records through the event router with a throwaway consumer group:
 * already-applied records change nothing and are reported as such, the live group's offsets never move, read
 * models are rebuilt from actor state, a dry run writes nothing, and a record that fails is parked on its DLQ.
 */
const ROUTED = [...sagaRoutes().map((route) => route.topic), 'shipment.events'];

let sut: TestSystem | undefined;
let admin: Admin | undefined;

afterAll(async () => {
  await admin?.disconnect();
  await sut?.stop();
});

function system(): TestSystem {
  if (!sut) throw new Error('the test system is not running');
  return sut;
}

const replay = (input: Omit<ReplayInput, 'dryRun' | 'rebuildReadModels'> & Partial<ReplayInput>) =>
  runReplay(system().client, { dryRun: false, rebuildReadModels: false, ...input });

/**
 * Waits until nothing is left to publish, route or fire: leftovers of earlier runs (or files) and every cascade have
 * played out, and no durable timer falls due for a minute, so no record but this file's lands in its time range.
 */
async function settle(): Promise<void> {
  const orm = () => system().trackops.orm;
  const pending = async () => {
    const { n } = await queryOne<{ n: number }>(
      orm(),
      `select (select count(*) from outbox_events where published_at is null)
            + (select count(*) from actor_timers where due_at < now() + interval '60 seconds' and last_error is null)
              as n`,
    );
    return Number(n);
  };
  await waitFor(
    async () => {
      if ((await pending()) > 0) return false;
      await waitForRouterCaughtUp(system(), ROUTED);
      return (await pending()) === 0;
    },
    { what: 'the system to settle', timeoutMs: 90_000, intervalMs: 200 },
  );
}

/** What a replay of applied records must not change: actor versions, row counts and the outbox of these ids. */
async function fingerprint(orderIds: string[], skus: string[]) {
  const orm = system().trackops.orm;
  const ids = [...orderIds, ...skus];
  const count = async (sql: string) => (await queryOne<{ n: number }>(orm, sql, [orderIds])).n;
  return {
    versions: await query(
      orm,
      'select actor_type, actor_id, version from actor_state where actor_id in (?) order by 1, 2',
      [ids],
    ),
    orders: await count('select count(*)::int as n from orders where id in (?)'),
    orderItems: await count('select count(*)::int as n from order_items where order_id in (?)'),
    sagas: await count('select count(*)::int as n from saga_instances where order_id in (?)'),
    payments: await count('select count(*)::int as n from payments where order_id in (?)'),
    reservations: await count('select count(*)::int as n from inventory_reservations where order_id in (?)'),
    processed: (
      await queryOne<{ n: number }>(
        orm,
        'select count(*)::int as n from processed_messages where actor_id in (?)',
        [ids],
      )
    ).n,
    outbox: await query(orm, 'select id from outbox_events where aggregateid in (?) order by id', [ids]),
  };
}

async function readModel(orderIds: string[]) {
  const orm = system().trackops.orm;
  return {
    orders: await query(orm, 'select * from orders where id in (?) order by id', [orderIds]),
    items: await query(orm, 'select * from order_items where order_id in (?) order by order_id, line_no', [
      orderIds,
    ]),
    sagas: await query(orm, 'select * from saga_instances where order_id in (?) order by saga_id', [
      orderIds,
    ]),
    payments: await query(orm, 'select * from payments where order_id in (?) order by order_id', [orderIds]),
  };
}

async function liveRouterOffsets() {
  const groupId = `${system().config.TRACKOPS_NAMESPACE}-router`;
  return admin?.fetchOffsets({ groupId, topics: ROUTED.map(system().topic) });
}

async function replayGroups(): Promise<string[]> {
  const { groups } = (await admin?.listGroups()) ?? { groups: [] };
  const prefix = `${system().config.TRACKOPS_NAMESPACE}-replay-`;
  return groups.map((group) => group.groupId).filter((groupId) => groupId.startsWith(prefix));
}

/** Orders of this file, all settled, and the time range their records fall in. */
const world = { from: '', to: '', orderIds: [] as string[], skus: [] as string[], shippedId: '' };

describe('on a settled system with a live router', () => {
  beforeAll(async () => {
    sut = await startTestSystem();
    admin = sut.trackops.kafka.admin();
    await admin.connect();
    await settle();
    world.from = new Date().toISOString();
    world.skus = [await stockedSku(sut.client, 100, 'RPL'), await stockedSku(sut.client, 100, 'RPL')];
    const [first, second] = world.skus as [string, string];
    for (let n = 0; n < 4; n += 1) {
      const { id } = await sut.client.orders.create.mutate(
        orderFor([
          { sku: first, quantity: 1 },
          { sku: second, quantity: 2 },
        ]),
      );
      world.orderIds.push(id);
    }
    for (const id of world.orderIds) await settledOrder(sut.client, id, ['CONFIRMED']);
    // One order goes on to SHIPPED (its inventory.commit records are routed too); the next describe tracks it.
    world.shippedId = world.orderIds[3] ?? '';
    for (const status of ['PROCESSING', 'SHIPPED'] as const)
      await sut.client.orders.updateStatus.mutate({ id: world.shippedId, status });
    await settle();
    world.to = new Date().toISOString();
  }, 180_000);

  it('replaying a time range twice changes nothing, and reports every record as already applied', async () => {
    const ids = [...world.orderIds, ...world.skus];
    const before = await fingerprint(world.orderIds, world.skus);
    // Every record in the range is one these actors emitted on a routed topic (the outbox names its topic).
    const { n: expected } = await queryOne<{ n: number }>(
      system().trackops.orm,
      'select count(*)::int as n from outbox_events where aggregateid in (?) and type in (?)',
      [ids, ROUTED],
    );
    expect(expected).toBe(4 * 8 + 2);

    for (const round of [1, 2]) {
      const progress: number[] = [];
      const summary = await runReplay(
        system().client,
        { topics: ROUTED, from: world.from, to: world.to, dryRun: false, rebuildReadModels: false },
        (counts) => progress.push(counts.read),
      );
      expect(summary, `round ${round}`).toMatchObject({
        total: expected,
        read: expected,
        applied: 0,
        alreadyApplied: expected,
        skipped: 0,
        failed: 0,
        dryRun: false,
        aborted: false,
      });
      expect(progress.at(-1)).toBe(expected);
      expect(await fingerprint(world.orderIds, world.skus)).toEqual(before);
    }
  });

  it("leaves the live consumer group's committed offsets where they were, and deletes its own group", async () => {
    const before = await liveRouterOffsets();
    const summary = await replay({ topics: ROUTED, from: world.from, to: world.to });
    expect(summary.alreadyApplied).toBe(summary.total);
    expect(summary.groupId).toMatch(new RegExp(`^${system().config.TRACKOPS_NAMESPACE}-replay-`));
    expect(await liveRouterOffsets()).toEqual(before);
    expect(await replayGroups()).toEqual([]);
  });

  it('rebuilds deleted read-model rows from actor state, exactly as they were, and refreshes the Redis entries', async () => {
    const before = await readModel(world.orderIds);
    expect(before.orders).toHaveLength(4);
    const orm = system().trackops.orm;
    await orm.em.fork().execute('delete from orders where id in (?)', [world.orderIds]); // cascades to order_items
    await orm.em.fork().execute('delete from saga_instances where order_id in (?)', [world.orderIds]);
    await orm.em.fork().execute('delete from payments where order_id in (?)', [world.orderIds]);
    const redisKeys = world.orderIds.map((id) => `actor:order:${id}`);
    await system().trackops.redis.del(...redisKeys);
    expect((await readModel(world.orderIds)).orders).toEqual([]);

    const summary = await replay({
      topics: ['order.created'],
      from: world.from,
      to: world.to,
      rebuildReadModels: true,
    });

    // Per order: the order (1 row + 2 lines), its saga and its payment.
    expect(summary).toMatchObject({ alreadyApplied: 4, rebuilt: { orders: 4, actors: 12, rows: 20 } });
    expect(await readModel(world.orderIds)).toEqual(before);
    const versions = await query<{ actor_id: string; version: string }>(
      orm,
      "select actor_id, version from actor_state where actor_type = 'order' and actor_id in (?)",
      [world.orderIds],
    );
    for (const { actor_id, version } of versions) {
      const cached = JSON.parse((await system().trackops.redis.get(`actor:order:${actor_id}`)) ?? 'null');
      expect(cached?.version).toBe(Number(version));
    }
  });

  it('a dry run changes nothing and reports what it would do', async () => {
    const before = await fingerprint(world.orderIds, world.skus);
    const summary = await replay({ topics: ROUTED, from: world.from, to: world.to, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, applied: 0, failed: 0, skipped: 0 });
    expect(summary.alreadyApplied).toBe(summary.total);
    expect(summary.total).toBe(4 * 8 + 2);
    expect(await fingerprint(world.orderIds, world.skus)).toEqual(before);
  });

  it.each([
    ['an unknown topic', { topics: ['order.nope'], from: '0' }, /unknown topic order\.nope/],
    ['an unparseable time', { topics: ['order.created'], from: 'yesterday' }, /ISO 8601/],
    [
      'from after to',
      { topics: ['order.created'], from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      /from is after to/,
    ],
  ])('refuses %s with BAD_REQUEST before reading anything', async (_name, input, reason) => {
    const failure = await replay(input).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCClientError);
    expect((failure as TRPCClientError<never>).data).toMatchObject({ code: 'BAD_REQUEST' });
    expect((failure as Error).message).toMatch(reason);
    expect(await replayGroups()).toEqual([]);
  });

  afterAll(async () => {
    await admin?.disconnect();
    admin = undefined;
    await sut?.stop();
    sut = undefined;
  });
});

describe('records the live router has not applied (no live router runs)', () => {
  let from = '';

  beforeAll(async () => {
    sut = await startTestSystem({ router: false });
    from = new Date().toISOString();
    await produce(sut.brokers, sut.topic('shipment.events'), [
      {
        key: world.shippedId,
        value: JSON.stringify({
          orderId: world.shippedId,
          type: 'IN_TRANSIT',
          occurredAt: '2026-05-01T08:00:00.000Z',
          location: 'Hub',
        }),
      },
      { key: world.shippedId, value: '{not json' },
    ]);
  });

  const version = async () => (await system().client.orders.get.query({ id: world.shippedId })).version;

  it('a dry run says one would apply and one would fail, and writes nothing', async () => {
    const before = await version();
    const summary = await replay({ topics: ['shipment.events'], from, key: world.shippedId, dryRun: true });
    expect(summary).toMatchObject({ read: 2, applied: 1, alreadyApplied: 0, failed: 1, dryRun: true });
    expect(await version()).toBe(before);
    // A parked record is mirrored in dead_letters before the replay answers: none was since this describe began.
    const parked = await queryOne<{ n: number }>(
      system().trackops.orm,
      'select count(*)::int as n from dead_letters where failed_at >= ?',
      [from],
    );
    expect(parked.n).toBe(0);
  });

  it('applies what was not applied, parks what fails on the DLQ with its reason, and then finds it all applied', async () => {
    const dlq = await watchTopics(system().brokers, [system().topic('shipment.events.dlq')]);
    try {
      const before = await version();
      const first = await replay({ topics: ['shipment.events'], from, key: world.shippedId });
      expect(first).toMatchObject({ read: 2, applied: 1, alreadyApplied: 0, failed: 1 });
      const order = await system().client.orders.get.query({ id: world.shippedId });
      expect(order.version).toBe(before + 1);
      expect(order.trackingEvents).toEqual([
        expect.objectContaining({ kind: 'IN_TRANSIT', location: 'Hub' }),
      ]);

      const [parked] = await waitFor(
        () => dlq.byKey(world.shippedId).length > 0 && dlq.byKey(world.shippedId),
        {
          what: 'the malformed record on the DLQ',
        },
      );
      expect(parked?.value).toBe('{not json');
      expect(parked?.headers).toMatchObject({
        [DLQ_HEADERS.reasonCode]: 'MALFORMED_RECORD',
        [DLQ_HEADERS.originalTopic]: 'shipment.events',
      });
      expect(parked?.headers[DLQ_HEADERS.reason]).toMatch(/not JSON/);
      // The dead_letters mirror holds it too (found by its source position, which identifies a mirrored record).
      const mirrored = await query(
        system().trackops.orm,
        `select reason_code, status from dead_letters where topic = 'shipment.events' and "partition" = ? and "offset" = ?`,
        [Number(parked?.headers[DLQ_HEADERS.originalPartition]), parked?.headers[DLQ_HEADERS.originalOffset]],
      );
      expect(mirrored).toEqual([{ reason_code: 'MALFORMED_RECORD', status: 'parked' }]);

      const second = await replay({ topics: ['shipment.events'], from, key: world.shippedId });
      expect(second).toMatchObject({ read: 2, applied: 0, alreadyApplied: 1, failed: 1 });
      expect(await version()).toBe(before + 1);
    } finally {
      await dlq.stop();
    }
  });
});
