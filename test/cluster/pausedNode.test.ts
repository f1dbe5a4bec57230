import type { ChildProcess } from 'node:child_process';
import { type KV, Kvm } from '@nats-io/kv';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import { silentLogger, type TransportPort } from '../../actors/ports.ts';
import { shardOf } from '../../actors/shards.ts';
import { createNatsTransport } from '../../bridge/nats/natsTransport.ts';
import { startChildRuntime } from '../support/childProcess.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { query, queryOne } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * A node paused (SIGSTOP) in the middle of a turn, past its lease TTL, then resumed (SIGCONT): the shard has moved,
 * the new holder has applied a later message, and the paused node's turn, computed on the old state, is rejected by
 * PostgreSQL's version check and retried on the new holder. Nothing is applied twice or out of order.
 *
 * To pause the node exactly mid-turn, the test holds an uncommitted row that the turn's first insert waits on (the
 * message's `processed_messages` key), and sends SIGSTOP once PostgreSQL reports the node's backend blocked by it.
 */
const ONLY_ACTORS = { router: false, relay: false, timers: false } as const;

let api: TestSystem;
let transport: TransportPort;
let leases: KV;
const children: ChildProcess[] = [];
const created: string[] = [];

beforeAll(async () => {
  api = await startTestSystem({ actors: false, ...ONLY_ACTORS });
  transport = createNatsTransport({
    connection: api.trackops.nats,
    namespace: api.config.TRACKOPS_NAMESPACE,
    logger: silentLogger,
    defaultTimeoutMs: 60_000,
    shards: api.config.SHARDS,
  });
  leases = await new Kvm(api.trackops.nats).open(`${api.config.TRACKOPS_NAMESPACE}_leases`);
});

afterAll(async () => {
  for (const child of children) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  // No relay ran: drop these orders' unpublished events so no later test's relay starts sagas for them.
  if (created.length > 0)
    await api?.trackops.orm.em
      .fork()
      .execute('delete from outbox_events where aggregateid in (?) and published_at is null', [created]);
  await api?.stop();
});

async function holders(): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for await (const key of await leases.keys()) {
    const holder = (await leases.get(key))?.string();
    if (holder) map.set(key, holder);
  }
  return map;
}

const shardKey = (orderId: string) => `shard-${shardOf({ type: 'order', id: orderId }, api.config.SHARDS)}`;

describe('when a node is paused mid-turn past its lease and resumed after the shard moved', () => {
  it('then its late turn is rejected by the version check and the message is applied once, on the new holder', {
    timeout: 120_000,
  }, async () => {
    const paused = await startChildRuntime({ bootstrap: ONLY_ACTORS, env: { NODE_ID: 'paused-a' } });
    children.push(paused.child);
    const other = await startChildRuntime({ bootstrap: ONLY_ACTORS, env: { NODE_ID: 'paused-b' } });
    children.push(other.child);
    const settled = await waitFor(
      async () => {
        const map = await holders();
        const values = [...map.entries()].filter(([key]) => key.startsWith('shard-')).map(([, node]) => node);
        const split = values.length === api.config.SHARDS && values.includes('paused-b');
        return split && values.includes('paused-a') && map;
      },
      { what: 'both nodes holding shards' },
    );

    // An order on a shard of the node about to be paused.
    let orderId = crypto.randomUUID();
    while (settled.get(shardKey(orderId)) !== 'paused-a') orderId = crypto.randomUUID();
    created.push(orderId);
    const ref = { type: 'order', id: orderId };
    const { customerId, shippingAddress, items } = validOrderInput();
    const payload = {
      customerId,
      shippingAddress,
      items: items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPriceCents: 250 })),
    };
    expect(await transport.request(ref, createEnvelope({ type: 'order.create', payload }))).toMatchObject({
      version: 1,
      state: 'PENDING',
    });

    // Hold the cancel's turn inside its commit, on node A.
    const cancel = createEnvelope({ type: 'order.cancel', payload: { reason: 'changed my mind' } });
    const blocker = new pg.Client({ connectionString: api.config.DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(
        'insert into processed_messages (actor_type, actor_id, message_id) values ($1, $2, $3)',
        ['order', orderId, cancel.id],
      );
      const blockerPid = (await blocker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]
        ?.pid;
      const cancelled = transport.request(ref, cancel, { timeoutMs: 60_000 });
      await waitFor(
        async () =>
          (
            await query<{ pid: number }>(
              api.trackops.orm,
              'select pid from pg_stat_activity where ? = any(pg_blocking_pids(pid))',
              [blockerPid],
            )
          ).length > 0,
        { what: "node A's turn waiting inside its commit" },
      );

      paused.child.kill('SIGSTOP');
      await waitFor(async () => (await holders()).get(shardKey(orderId)) === 'paused-b', {
        what: 'the shard moving to node B once the lease of the paused node expired',
      });
      // The new holder applies a later message: the paused node's turn is now computed on a stale version.
      expect(
        await transport.request(ref, createEnvelope({ type: 'order.confirm', payload: {} })),
      ).toMatchObject({ version: 2, state: 'CONFIRMED', duplicate: false });

      await blocker.query('rollback');
      paused.child.kill('SIGCONT');
      expect(await cancelled).toMatchObject({ version: 3, state: 'CANCELLED', duplicate: false });
    } finally {
      await blocker.end();
    }

    // The cancel was applied once, after the confirm, by the new holder: the paused node's turn was fenced.
    const state = await queryOne<{ version: number; status: string }>(
      api.trackops.orm,
      'select version::int as version, status from actor_state where actor_type = ? and actor_id = ?',
      ['order', orderId],
    );
    expect(state).toEqual({ version: 3, status: 'CANCELLED' });
    const processed = await query<{ n: number }>(
      api.trackops.orm,
      'select count(*)::int as n from processed_messages where actor_type = ? and actor_id = ?',
      ['order', orderId],
    );
    expect(processed[0]?.n).toBe(3);
    const events = await query<{ type: string; from: string | null }>(
      api.trackops.orm,
      `select type, coalesce(payload->>'previousStatus', payload->>'from') as from
       from outbox_events where aggregateid = ? order by seq`,
      [orderId],
    );
    expect(events).toEqual([
      { type: 'order.created', from: null },
      { type: 'order.status.updated', from: 'PENDING' },
      { type: 'order.status.updated', from: 'CONFIRMED' },
      { type: 'order.cancelled', from: 'CONFIRMED' },
    ]);
    const metrics = await (await fetch(`${paused.url}/metrics`)).text();
    expect(metrics).toMatch(/trackops_turns_fenced_total\{actor_type="order"\} [1-9]/);

    // The resumed node rejoins and takes shards again.
    await waitFor(async () => [...(await holders()).values()].includes('paused-a'), {
      what: 'the resumed node holding shards again',
    });
  });
});
