import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import { actorTransport, dropUnpublishedEvents, orderCreateMessage } from '../support/actorRequests.ts';
import { heapAfterCollection } from '../support/childProcess.ts';
import { ACTORS_ONLY, startCluster, type TestCluster, waitForShardsSplit } from '../support/cluster.ts';
import { query } from '../support/sql.ts';
import type { TestSystem } from '../support/testSystem.ts';

/**
 * Bounded memory: 10,000 orders touched once on a cluster of two nodes, each capped at 1,000 live actors. The cap
 * holds on each node throughout, and every passivated order comes back from its snapshot, whole, when touched again.
 */
const NODES = ['cap-a', 'cap-b'];
// Nodes with actors only: these orders' order.created records would otherwise start 10,000 sagas.
let cluster: TestCluster | undefined;
const created: string[] = [];
// No relay ran: these orders' events are dropped, so no later test's relay starts sagas for them.
const dropCreated = (api: TestSystem) => dropUnpublishedEvents(api, created);

/** Each node's own reading of a metric (summed over its labels). */
async function perNode(metric: string): Promise<Map<string, number>> {
  const readings = new Map<string, number>();
  for (const [node, url] of cluster?.urls ?? []) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const lines = text
      .split('\n')
      .filter((line) => line.startsWith(`${metric} `) || line.startsWith(`${metric}{`));
    readings.set(
      node,
      lines.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0),
    );
  }
  return readings;
}

/** Each node's heap after a full collection. */
async function heaps(): Promise<Map<string, number>> {
  const readings = new Map<string, number>();
  for (const [node, child] of cluster?.nodes ?? []) readings.set(node, await heapAfterCollection(child));
  return readings;
}

describe('when 10,000 orders are touched once with a cap of 1,000 live actors per node', () => {
  it('then no node holds more than 1,000, memory stays flat, and every order reactivates from its snapshot', {
    timeout: 300_000,
  }, async () => {
    cluster = await startCluster(NODES, {
      bootstrap: ACTORS_ONLY,
      env: { ACTOR_MAX_LIVE: '1000' },
      cleanup: dropCreated,
    });
    const { api } = cluster;
    await waitForShardsSplit(api, NODES);
    const transport = actorTransport(api);

    const ids = Array.from({ length: 10_000 }, () => crypto.randomUUID());
    created.push(...ids);
    const peak = new Map(NODES.map((node) => [node, 0]));
    let heapAfterFirstThousands: Map<string, number> | undefined;
    for (let from = 0; from < ids.length; from += 500) {
      await Promise.all(
        ids
          .slice(from, from + 500)
          .map((id) => transport.request({ type: 'order', id }, orderCreateMessage())),
      );
      for (const [node, live] of await perNode('trackops_live_actors'))
        peak.set(node, Math.max(peak.get(node) ?? 0, live));
      if (from === 2500) heapAfterFirstThousands = await heaps();
    }

    // Each node took its share, and neither went past its cap.
    const passivations = await perNode('trackops_actor_passivations_total');
    for (const node of NODES) {
      expect(peak.get(node)).toBeLessThanOrEqual(1000);
      expect(passivations.get(node)).toBeGreaterThan(2000);
    }
    // Memory stays flat: from 3,000 to 10,000 orders the collected heap of a node grows by less than 4 MB (seen: under
    // 0.5 MB), where an uncapped node would hold 3,500 more actors of a few kB each.
    const heapAtEnd = await heaps();
    for (const node of NODES) {
      const before = heapAfterFirstThousands?.get(node) ?? 0;
      expect(heapAtEnd.get(node)).toBeLessThan(before + 4 * 1024 * 1024);
    }

    // Touch the first 500 again (long passivated): each resumes from its stored snapshot at version 1.
    const again = ids.slice(0, 500);
    const replies = await Promise.all(
      again.map((id) =>
        transport.request({ type: 'order', id }, createEnvelope({ type: 'order.confirm', payload: {} })),
      ),
    );
    expect(
      replies.every((reply) => reply.version === 2 && reply.state === 'CONFIRMED' && !reply.duplicate),
    ).toBe(true);
    const rows = await query<{ n: number }>(
      api.trackops.orm,
      "select count(*)::int as n from orders where id in (?) and status = 'CONFIRMED' and version = 2",
      [again],
    );
    expect(rows[0]?.n).toBe(500);
  });
});
