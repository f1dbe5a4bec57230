import { type MikroORM, raw } from '@mikro-orm/postgresql';
import type { ConsumedRecord } from '../bridge/kafka/records.ts';
import { DeadLetter, type DeadLetterRow } from './entities/DeadLetter.ts';

/**
 * The `dead_letters` mirror of every DLQ record: what failed, why, how often, and what an operator did about it.
 * Recording is idempotent per source record (topic, partition, offset), so a redelivered failure is one row.
 */
export interface DeadLetterView {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  reasonCode: string;
  reason: string;
  attempts: number;
  status: 'parked' | 'redriven' | 'redrive_failed';
  failedAt: string;
  redriveCount: number;
  redrivenAt: string | null;
  lastRedriveError: string | null;
}

/**
 * A dead letter is whatever arrived, binary garbage included; PostgreSQL text and json cannot hold NUL or a lone
 * surrogate, so those become U+FFFD in the mirror (the DLQ topic keeps the exact bytes). Such a value was never
 * JSON, so nothing redrivable is lost.
 */
function storable<T extends string | null>(text: T): T {
  if (text === null) return text;
  return text.replaceAll('\0', '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD') as T;
}

export function createDeadLetterStore(orm: MikroORM) {
  const em = () => orm.em.fork();
  return {
    async record(
      record: ConsumedRecord,
      failure: { code: string; reason: string; attempts: number },
    ): Promise<void> {
      await em().execute(
        `insert into dead_letters (id, topic, "partition", "offset", key, value, headers, reason_code, reason, attempts, failed_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
         on conflict (topic, "partition", "offset") do update
           set key = excluded.key, value = excluded.value, headers = excluded.headers,
               reason_code = excluded.reason_code, reason = excluded.reason, attempts = excluded.attempts,
               failed_at = excluded.failed_at, status = 'parked'`,
        [
          crypto.randomUUID(),
          record.topic,
          record.partition,
          record.offset,
          storable(record.key),
          storable(record.value?.toString('utf8') ?? null),
          JSON.stringify(
            Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [storable(k), storable(v)])),
          ),
          failure.code,
          storable(failure.reason),
          failure.attempts,
        ],
      );
    },
    async counts(): Promise<{ topic: string; status: string; count: number }[]> {
      return em().execute(
        'select topic, status, count(*)::int as count from dead_letters group by topic, status',
      );
    },
    async list(filter: {
      topic?: string;
      status?: DeadLetterView['status'];
      /** The record key: an order id, a SKU. */
      key?: string;
      limit: number;
    }): Promise<DeadLetterView[]> {
      const rows = await em().find(
        DeadLetter,
        {
          ...(filter.topic ? { topic: filter.topic } : {}),
          ...(filter.key ? { key: filter.key } : {}),
          ...(filter.status ? { status: filter.status } : {}),
        },
        { orderBy: { failedAt: 'asc', offset: 'asc' }, limit: filter.limit },
      );
      return rows.map(toView);
    },
    async get(id: string): Promise<DeadLetterView | null> {
      const row = await em().findOne(DeadLetter, { id });
      return row ? toView(row) : null;
    },
    async markRedriven(id: string): Promise<void> {
      await em().nativeUpdate(
        DeadLetter,
        { id },
        {
          status: 'redriven',
          redrivenAt: new Date(),
          lastRedriveError: null,
          redriveCount: raw('redrive_count + 1'),
        },
      );
    },
    async markRedriveFailed(id: string, error: string): Promise<void> {
      await em().nativeUpdate(
        DeadLetter,
        { id },
        {
          status: 'redrive_failed',
          lastRedriveError: error.slice(0, 2000),
          redriveCount: raw('redrive_count + 1'),
        },
      );
    },
  };
}

export type DeadLetterStore = ReturnType<typeof createDeadLetterStore>;

/** The original record, as the router consumed it, for a redrive. */
export function recordOfDeadLetter(view: DeadLetterView): ConsumedRecord {
  return {
    topic: view.topic,
    partition: view.partition,
    offset: view.offset,
    key: view.key,
    value: view.value === null ? null : Buffer.from(view.value, 'utf8'),
    headers: view.headers,
    timestamp: String(Date.parse(view.failedAt)),
  };
}

function toView(row: DeadLetterRow): DeadLetterView {
  return {
    id: row.id,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    key: row.key ?? null,
    value: row.value ?? null,
    headers: row.headers,
    reasonCode: row.reasonCode,
    reason: row.reason,
    attempts: row.attempts,
    status: row.status,
    failedAt: new Date(row.failedAt).toISOString(),
    redriveCount: row.redriveCount,
    redrivenAt: row.redrivenAt ? new Date(row.redrivenAt).toISOString() : null,
    lastRedriveError: row.lastRedriveError ?? null,
  };
}
