import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import { shardOf } from '../../actors/shards.ts';
import { actorTransport, dropUnpublishedEvents, orderCreateMessage } from '../support/actorRequests.ts';
import {
  ACTORS_ONLY,
  leaseHolders,
  startCluster,
  type TestCluster,
  waitForShardsSplit,
} from '../support/cluster.ts';
import { query, queryOne } from '../support/sql.ts';
import type { TestSystem } from '../support/testSystem.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * A node paused (SIGSTOP) in the middle of a turn, past its lease TTL, then resumed (SIGCONT): the shard has moved,
 * the new holder has applied a later message, and the paused node's turn, computed on the old state, is rejected by
 * PostgreSQL's version check and retried on the new holder. Nothing is applied twice or out of order.
 *
 * To pause the node exactly mid-turn, the test holds an uncommitted row that the turn's first insert waits on (the
 * message's `processed_messages` key), and sends SIGSTOP once PostgreSQL reports the node's backend blocked by it.
 */
let cluster: TestCluster | undefined;
const created: string[] = [];
// No relay ran: these orders' events are dropped, so no later test's relay starts sagas for them.
const dropCreated = (api: TestSystem) => dropUnpublishedEvents(api, created);

const shardKey = (orderId: string, shards: number) =>
  `shard-${shardOf({ type: 'order', id: orderId }, shards)}`;

describe('when a node is paused mid-turn past its lease and resumed after the shard moved', () => {
  it('then its late turn is rejected by the version check and the message is applied once, on the new holder', {
    timeout: 120_000,
  }, async () => {
    cluster = await startCluster(['paused-a', 'paused-b'], { bootstrap: ACTORS_ONLY, cleanup: dropCreated });
    const { api } = cluster;
    const transport = actorTransport(api, 60_000);
    const settled = await waitForShardsSplit(api, ['paused-a', 'paused-b']);
    const paused = cluster.nodes.get('paused-a') as ChildProcess;

    // An order on a shard of the node about to be paused.
    let orderId = crypto.randomUUID();
    while (settled.get(shardKey(orderId, api.config.SHARDS)) !== 'paused-a') orderId = crypto.randomUUID();
    created.push(orderId);
    const ref = { type: 'order', id: orderId };
    expect(await transport.request(ref, orderCreateMessage())).toMatchObject({
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

      paused.kill('SIGSTOP');
      await waitFor(
        async () => (await leaseHolders(api)).get(shardKey(orderId, api.config.SHARDS)) === 'paused-b',
        {
          what: 'the shard moving to node B once the lease of the paused node expired',
        },
      );
      // The new holder applies a later message: the paused node's turn is now computed on a stale version.
      expect(
        await transport.request(ref, createEnvelope({ type: 'order.confirm', payload: {} })),
      ).toMatchObject({ version: 2, state: 'CONFIRMED', duplicate: false });

      await blocker.query('rollback');
      paused.kill('SIGCONT');
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
    const metrics = await (await fetch(`${cluster.urls.get('paused-a')}/metrics`)).text();
    expect(metrics).toMatch(/trackops_turns_fenced_total\{actor_type="order",node="paused-a"\} [1-9]/);

    // The resumed node rejoins and takes shards again.
    await waitFor(async () => [...(await leaseHolders(api)).values()].includes('paused-a'), {
      what: 'the resumed node holding shards again',
    });
  });
});
