import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../actors/ports.ts';
import { createRetention, retentionRules } from '../../db/retention.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { query } from '../support/sql.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';

/**
 * Retention keeps what is younger than JOURNAL_RETENTION_HOURS / OUTBOX_RETENTION_HOURS and removes the rest, in
 * batches. No relay runs here, so an unpublished outbox row stays unpublished for as long as the test needs.
 */
let sut: TestSystem;
const orderIds: string[] = [];
const outboxAggregate = `retention-${randomUUID()}`;

beforeAll(async () => {
  sut = await startTestSystem({ ...ORDER_ACTOR_ONLY, relay: false });
});

afterAll(async () => {
  // Leave no unpublished row behind for the relays of later test files.
  const em = sut?.trackops.orm.em.fork();
  await em?.execute('delete from outbox_events where aggregateid in (?)', [[...orderIds, outboxAggregate]]);
  await sut?.stop();
});

const retentionOf = (hours: { journal: number; outbox: number }, batchSize: number) =>
  createRetention({
    orm: sut.trackops.orm,
    rules: retentionRules(hours),
    intervalMs: 60_000,
    logger: silentLogger,
    batchSize,
  });

const entriesOf = async (id: string) =>
  (
    await query<{ version: number }>(
      sut.trackops.orm,
      'select version from actor_journal where actor_id = ? order by version',
      [id],
    )
  ).map((row) => row.version);

describe('when journal entries are older than the retention', () => {
  it('then a pass removes exactly those, whatever their number, and keeps the recent ones', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    orderIds.push(id);
    await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
    await sut.client.orders.updateStatus.mutate({ id, status: 'PROCESSING' });
    // Versions 1 and 2 happened "two days ago".
    await sut.trackops.orm.em
      .fork()
      .execute(
        `update actor_journal set at = now() - interval '2 days' where actor_id = ? and version <= 2`,
        [id],
      );

    const [journal] = retentionRules({ journal: 24, outbox: 0 });
    const retention = retentionOf({ journal: 24, outbox: 0 }, 1);
    expect(journal?.table).toBe('actor_journal');
    if (!journal) return;
    expect(await retention.prune(journal)).toBeGreaterThanOrEqual(2);
    expect(await entriesOf(id)).toEqual([3]);
    expect(await retention.prune(journal)).toBe(0);
  });
});

describe('when outbox rows are older than the retention', () => {
  it('then only published ones go: an unpublished row stays however old, and recent published rows stay', async () => {
    const rows = [
      { name: 'published two days ago', created: '3 days', published: '2 days' },
      { name: 'published just now', created: '1 minute', published: '0 seconds' },
      { name: 'never published', created: '3 days', published: null },
    ];
    for (const row of rows) {
      await sut.trackops.orm.em.fork().execute(
        `insert into outbox_events (id, aggregatetype, aggregateid, type, payload, headers, created_at, published_at)
         values (?, 'retention-test', ?, 'order.created', ?, '{}', now() - ?::interval,
                 case when ?::interval is null then null else now() - ?::interval end)`,
        [
          randomUUID(),
          outboxAggregate,
          JSON.stringify({ name: row.name }),
          row.created,
          row.published,
          row.published,
        ],
      );
    }

    const [outbox] = retentionRules({ journal: 0, outbox: 24 });
    expect(outbox?.table).toBe('outbox_events');
    if (!outbox) return;
    expect(await retentionOf({ journal: 0, outbox: 24 }, 2).prune(outbox)).toBeGreaterThanOrEqual(1);

    const left = await query<{ name: string }>(
      sut.trackops.orm,
      `select payload->>'name' as name from outbox_events where aggregateid = ? order by created_at`,
      [outboxAggregate],
    );
    expect(left.map((row) => row.name).sort()).toEqual(['never published', 'published just now']);
  });
});

describe('which rules a node runs', () => {
  it('skips a retention of 0, which keeps those rows forever', () => {
    expect(retentionRules({ journal: 0, outbox: 0 })).toEqual([]);
    expect(retentionRules({ journal: 168, outbox: 0 }).map((rule) => rule.table)).toEqual(['actor_journal']);
  });
});
