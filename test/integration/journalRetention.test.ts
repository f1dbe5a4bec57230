import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../actors/ports.ts';
import { createJournalRetention } from '../../db/journalRetention.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { query } from '../support/sql.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';

/** The journal keeps what is younger than JOURNAL_RETENTION_HOURS and removes the rest, in batches. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem(ORDER_ACTOR_ONLY);
});

afterAll(async () => {
  await sut?.stop();
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
    await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
    await sut.client.orders.updateStatus.mutate({ id, status: 'PROCESSING' });
    // Versions 1 and 2 happened "two days ago".
    await sut.trackops.orm.em
      .fork()
      .execute(
        `update actor_journal set at = now() - interval '2 days' where actor_id = ? and version <= 2`,
        [id],
      );

    const retention = createJournalRetention({
      orm: sut.trackops.orm,
      retentionHours: 24,
      intervalMs: 60_000,
      logger: silentLogger,
      batchSize: 1,
    });
    expect(await retention.prune()).toBeGreaterThanOrEqual(2);
    expect(await entriesOf(id)).toEqual([3]);
    expect(await retention.prune()).toBe(0);
  });
});
