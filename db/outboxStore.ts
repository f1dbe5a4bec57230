import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Envelope } from '../actors/envelope.ts';
import type { OutboxMessage } from '../actors/ports.ts';
import { listenForNotifications } from './notifications.ts';
import { createPooledClient } from './pooledQuery.ts';

/**
 * The outbox table seen from the relay: claim a batch of unpublished rows in publish order with
 * `FOR UPDATE SKIP LOCKED` (so several relays never publish the same row at once), marking them published in a
 * transaction that commits only once `publish` resolved. If it throws, the transaction rolls back and the rows stay
 * unpublished. Two round trips a batch, on a pooled client without the ORM: it runs after nearly every turn.
 */
export const OUTBOX_CHANNEL = 'trackops_outbox';

interface OutboxRow {
  /** bigint: pg returns it as text. */
  seq: string;
  id: string;
  aggregatetype: string;
  aggregateid: string;
  type: string;
  payload: unknown;
  headers: Record<string, unknown> | null;
  created_at: Date | string;
}

/** Publishing a claimed batch failed: the rows stay unpublished; `ids` says which, for the failure record. */
export class OutboxPublishError extends Error {
  override readonly name = 'OutboxPublishError';
  constructor(
    readonly ids: string[],
    cause: unknown,
  ) {
    super(
      `publishing ${ids.length} outbox rows failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

export interface OutboxStore {
  /** Returns how many rows were published (0 when the outbox is empty). */
  publishBatch(limit: number, publish: (messages: OutboxMessage[]) => Promise<void>): Promise<number>;
  /** Records a failed attempt on rows that could not be published (for operators; they are retried). */
  recordFailure(ids: string[], error: string): Promise<void>;
  /** Rows not yet published. */
  backlog(): Promise<number>;
}

export function createOutboxStore(orm: MikroORM): OutboxStore {
  const withClient = createPooledClient(orm);
  return {
    async publishBatch(limit, publish) {
      if (!Number.isSafeInteger(limit) || limit < 1)
        throw new RangeError(`batch limit must be a positive integer: ${limit}`);
      return withClient(async (client) => {
        let rows: OutboxRow[] = [];
        try {
          // One round trip opens the transaction and claims the batch: marked published, locked until the commit,
          // skipped by other relays. Several statements need the simple protocol, hence the limit in the text.
          const results = (await client.query(
            `begin; ${claimBatch(limit)}`,
          )) as unknown as pg.QueryResult<OutboxRow>[];
          rows = (results[1]?.rows ?? []).sort((a, b) => Number(a.seq) - Number(b.seq));
          if (rows.length > 0) await publish(rows.map(messageOf));
        } catch (error) {
          // Rolled back, the rows are unpublished again, to be claimed by the next batch.
          await client.query('rollback').catch(() => undefined);
          if (rows.length === 0) throw error;
          throw new OutboxPublishError(
            rows.map((row) => row.id),
            error,
          );
        }
        await client.query('commit');
        return rows.length;
      });
    },
    async backlog() {
      const [row] = await orm.em
        .fork()
        .execute<{ n: number }[]>('select count(*)::int as n from outbox_events where published_at is null');
      return row?.n ?? 0;
    },
    async recordFailure(ids, error) {
      if (ids.length === 0) return;
      await orm.em
        .fork()
        .execute(
          `update outbox_events set attempts = attempts + 1, last_error = ? where id in (${ids.map(() => '?').join(', ')})`,
          [error.slice(0, 2000), ...ids],
        );
    },
  };
}

/** Claims the oldest unpublished rows: marks them published, in the transaction that publishes them. */
const claimBatch = (limit: number): string =>
  `update outbox_events o set published_at = now(), attempts = o.attempts + 1, last_error = null
     from (select id from outbox_events where published_at is null order by seq limit ${limit}
           for update skip locked) claimed
    where o.id = claimed.id
   returning o.seq, o.id, o.aggregatetype, o.aggregateid, o.type, o.payload, o.headers, o.created_at`;

function messageOf(row: OutboxRow): OutboxMessage {
  const headers = row.headers ?? {};
  const text = (key: string): string | undefined =>
    typeof headers[key] === 'string' ? (headers[key] as string) : undefined;
  const envelope: Envelope = {
    id: row.id,
    type: row.type,
    payload: row.payload,
    correlationId: text('correlationId') ?? row.id,
    causationId: text('causationId'),
    occurredAt: text('occurredAt') ?? new Date(row.created_at).toISOString(),
    schemaVersion: typeof headers['schemaVersion'] === 'number' ? (headers['schemaVersion'] as number) : 1,
  };
  return { aggregateType: row.aggregatetype, aggregateId: row.aggregateid, envelope };
}

/** Wakes the relay when a turn committed outbox rows. */
export const listenForOutbox = (
  databaseUrl: string,
  handlers: { onNotify: () => void; onError: (error: Error) => void },
): Promise<{ close(): Promise<void> }> => listenForNotifications(databaseUrl, OUTBOX_CHANNEL, handlers);
