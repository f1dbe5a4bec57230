import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, startChildRuntime } from '../support/childProcess.ts';
import { orderFor, stockedSku } from '../support/sagaFixtures.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * Three nodes share the actors; one is SIGKILLed while 300 orders are in flight and restarted later. Every order
 * still reaches CONFIRMED or CANCELLED, every effect exists exactly as its outcome requires, and no actor was ever
 * written by two nodes (each actor's version equals the number of messages it applied: no gap, no double write).
 */
const children = new Map<string, ChildProcess>();
let watcher: TestSystem | undefined;

afterAll(async () => {
  for (const child of children.values()) child.kill('SIGKILL');
  await watcher?.stop();
});

async function startNode(nodeId: string): Promise<void> {
  const { child } = await startChildRuntime({ env: { NODE_ID: nodeId } });
  children.set(nodeId, child);
}

describe('when a node of three dies while 300 orders are in flight', () => {
  it('then every order settles, effects exist exactly once, and every actor history is contiguous', {
    timeout: 300_000,
  }, async () => {
    await Promise.all(['node-a', 'node-b', 'node-c'].map(startNode));
    // This process only talks to the cluster (API and database); it hosts nothing.
    const api = await startTestSystem({ actors: false, router: false, relay: false, timers: false });
    watcher = api;
    const skus = await Promise.all(Array.from({ length: 4 }, () => stockedSku(api.client, 60, 'CLU')));

    const ids: string[] = [];
    const create = (index: number) =>
      api.client.orders.create
        .mutate(
          orderFor([
            { sku: skus[index % 4] ?? '', quantity: 1 },
            { sku: skus[(index + 1) % 4] ?? '', quantity: 1 },
          ]),
        )
        .then((order) => ids.push(order.id));
    const batch = (from: number, to: number) =>
      Promise.all(Array.from({ length: to - from }, (_, offset) => create(from + offset)));

    await batch(0, 150);
    const victim = children.get('node-b');
    victim?.kill('SIGKILL');
    if (victim) expect(await exited(victim)).toBe('SIGKILL');
    await batch(150, 300);
    await startNode('node-b');

    await waitFor(
      async () => {
        const [settled] = await query<{ n: number }>(
          api.trackops.orm,
          "select count(*)::int as n from orders where id in (?) and status in ('CONFIRMED', 'CANCELLED')",
          [ids],
        );
        return settled?.n === ids.length;
      },
      { what: 'all 300 orders settled', timeoutMs: 240_000, intervalMs: 1000 },
    );
    const orders = await query<{ id: string; status: string; cancellation_reason: string | null }>(
      api.trackops.orm,
      'select id, status, cancellation_reason from orders where id in (?)',
      [ids],
    );
    const confirmed = orders.filter((order) => order.status === 'CONFIRMED').map((order) => order.id);
    for (const order of orders.filter((row) => row.status === 'CANCELLED'))
      expect(order.cancellation_reason).toBeTruthy();

    // Effects: a confirmed order holds both its reservations and one charge; a cancelled one holds nothing.
    const held = await query<{ order_id: string; n: number }>(
      api.trackops.orm,
      "select order_id, count(*)::int as n from inventory_reservations where order_id in (?) and status = 'held' group by order_id",
      [ids],
    );
    expect(new Map(held.map((row) => [row.order_id, row.n]))).toEqual(
      new Map(confirmed.map((id) => [id, 2])),
    );
    const charges = await query<{ order_id: string; n: number }>(
      api.trackops.orm,
      "select aggregateid as order_id, count(*)::int as n from outbox_events where aggregateid in (?) and type = 'payment.processed' group by aggregateid",
      [ids],
    );
    for (const row of charges) expect(row.n).toBe(1);
    const charged = await query<{ order_id: string }>(
      api.trackops.orm,
      "select order_id from payments where order_id in (?) and status = 'CHARGED'",
      [ids],
    );
    expect(new Set(charged.map((row) => row.order_id))).toEqual(new Set(confirmed));

    // Stock is conserved, and what is reserved is exactly what confirmed orders hold.
    for (const sku of skus) {
      const item = await api.client.inventory.items.get.query({ sku });
      expect(item.available + item.reserved).toBe(60);
      expect(item.available).toBeGreaterThanOrEqual(0);
    }

    // No actor was written twice for one message, and none skipped a version.
    const gaps = await query<{ actor_type: string; actor_id: string }>(
      api.trackops.orm,
      `select s.actor_type, s.actor_id from actor_state s
        where (s.actor_id in (?) or s.actor_id in (?))
          and s.version <> (select count(*) from processed_messages p where p.actor_type = s.actor_type and p.actor_id = s.actor_id)`,
      [ids, skus],
    );
    expect(gaps).toEqual([]);
  });
});
