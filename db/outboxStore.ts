import type { MikroORM } from '@mikro-orm/postgresql';
import type { Envelope } from '../actors/envelope.ts';
import type { OutboxMessage } from '../actors/ports.ts';
import { listenForNotifications } from './notifications.ts';

/**
 * The outbox table seen from the relay: claim a batch of unpublished rows in publish order with
 * `FOR UPDATE SKIP LOCKED` (so several relays never publish the same row at once), hand them to `publish`, and mark
 * them published in the same transaction, only once `publish` resolved. If it throws, the rows stay unpublished.
 */
export const OUTBOX_CHANNEL = 'trackops_outbox';

interface OutboxRow {
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
  return {
    async publishBatch(limit, publish) {
      return orm.em.fork().transactional(async (em) => {
        const rows: OutboxRow[] = await em.execute(
          `select id, aggregatetype, aggregateid, type, payload, headers, created_at
             from outbox_events where published_at is null
             order by seq limit ? for update skip locked`,
          [limit],
        );
        if (rows.length === 0) return 0;
        try {
          await publish(rows.map(messageOf));
        } catch (error) {
          throw new OutboxPublishError(
            rows.map((row) => row.id),
            error,
          );
        }
        await em.execute(
          `update outbox_events set published_at = now(), attempts = attempts + 1, last_error = null
            where id in (${rows.map(() => '?').join(', ')})`,
          rows.map((row) => row.id),
        );
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
