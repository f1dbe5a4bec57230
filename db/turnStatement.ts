import type { EntityMetadata, MetadataStorage } from '@mikro-orm/core';
import type { Turn } from '../actors/ports.ts';
import { describeStateValue } from '../actors/stateValue.ts';
import { OUTBOX_CHANNEL } from './outboxStore.ts';
import type { ReadModelWrites, RowTrim } from './projections/projectionWriters.ts';
import { TIMER_CHANNEL } from './timerChannel.ts';

/**
 * Turns of one or more actors as ONE parameterised SQL statement (group commit: a batch shares one round trip and
 * one commit). Data-modifying CTEs record the processed message ids (first, as a transaction would, so a paused
 * writer waits on those keys, not on the actors' rows), write each actor's state at its expected version (the
 * fence), then the outbox rows, timers, read model and journal entries, and notify the relay and the timer service.
 * A single statement is atomic on its own: no BEGIN/COMMIT, no ORM unit of work. A duplicate message id fails the
 * statement on its primary key; when fewer states were written than there are turns, `trackops_fence` (SQLSTATE
 * TKSTL, migration turn_fence) fails it, so nothing of any turn in it is kept. The caller (db/groupCommit.ts) then
 * commits the turns one by one to learn which one was refused.
 * Every turn's data travels in jsonb parameters, so the text depends only on which read-model tables the batch
 * touches: a handful of named prepared statements.
 */
/** The SQLSTATE `trackops_fence` raises when the state was not at the expected version. */
export const STALE_WRITER_SQLSTATE = 'TKSTL';

export interface TurnStatement {
  readonly text: string;
  readonly values: unknown[];
}

/** One turn with what the statement writes besides it. */
export interface TurnToCommit {
  readonly turn: Turn;
  readonly readModel: ReadModelWrites | undefined;
  /** How long the turn took before its commit, for the journal. */
  readonly durationMs: number;
}

/** Columns of one table, in the order of its entity's properties, and the primary key's columns. */
interface TableShape {
  readonly table: string;
  readonly columns: readonly { readonly property: string; readonly column: string; readonly type: string }[];
  readonly primaryKey: readonly string[];
}

/** Reads table and column names from the ORM's metadata, so entities stay the one place that names them. */
export function createTableCatalog(metadata: MetadataStorage): (entityName: string) => TableShape {
  const shapes = new Map<string, TableShape>();
  return (entityName) => {
    let shape = shapes.get(entityName);
    if (!shape) {
      shape = shapeOf(metadata.get(entityName));
      shapes.set(entityName, shape);
    }
    return shape;
  };
}

function shapeOf(meta: EntityMetadata): TableShape {
  const columns = meta.props
    .filter((prop) => prop.fieldNames?.length === 1 && prop.persist !== false)
    .map((prop) => ({
      property: prop.name,
      column: prop.fieldNames[0] as string,
      type: prop.columnTypes?.[0] ?? 'text',
    }));
  const primaryKey = meta.primaryKeys.map(
    (name) => columns.find((column) => column.property === name)?.column ?? name,
  );
  return { table: meta.tableName, columns, primaryKey };
}

/** Builds the statement; `$n` parameters only, nothing from a turn is spliced into the text. */
export function buildTurnsStatement(
  batch: readonly TurnToCommit[],
  nodeId: string,
  tableOf: (entityName: string) => TableShape,
): TurnStatement {
  const values: unknown[] = [];
  const param = (value: unknown, cast: string): string => {
    values.push(value);
    return `$${values.length}::${cast}`;
  };
  const json = (rows: readonly object[]): string => param(JSON.stringify(rows), 'jsonb');
  const turns = batch.map(({ turn, durationMs }) => ({
    actor_type: turn.ref.type,
    actor_id: turn.ref.id,
    message_id: turn.message.id,
    machine_id: turn.machineId,
    machine_version: turn.machineVersion,
    expected_version: turn.expectedVersion,
    version: turn.version,
    // Serialised once, inside this parameter: the state row and the journal entry read the same value.
    snapshot: turn.snapshot,
    status: describeStateValue(turn.snapshot.value),
    message_type: turn.message.type,
    correlation_id: turn.message.correlationId,
    causation_id: turn.message.causationId ?? null,
    sent_by: turn.message.sentBy ?? null,
    state_before: turn.stateBefore === undefined ? null : describeStateValue(turn.stateBefore),
    emitted: turn.outbox.map((event) => event.envelope.type),
    duration_ms: durationMs,
  }));
  const outbox = batch.flatMap(({ turn }) =>
    turn.outbox.map(({ aggregateType, aggregateId, envelope }) => ({
      id: envelope.id,
      aggregatetype: aggregateType,
      aggregateid: aggregateId,
      type: envelope.type,
      payload: envelope.payload ?? null,
      headers: {
        correlationId: envelope.correlationId,
        ...(envelope.causationId === undefined ? {} : { causationId: envelope.causationId }),
        schemaVersion: envelope.schemaVersion,
        occurredAt: envelope.occurredAt,
      },
    })),
  );
  // A timer set again is replaced by the upsert; deleting it in the same statement would touch its row twice.
  const timersCancelled = batch.flatMap(({ turn: { ref, timers } }) =>
    timers.cancel
      .filter((timerId) => !timers.set.some((timer) => timer.timerId === timerId))
      .map((timerId) => ({ actor_type: ref.type, actor_id: ref.id, timer_id: timerId })),
  );
  const timersSet = batch.flatMap(({ turn: { ref, timers } }) =>
    timers.set.map((timer) => ({
      actor_type: ref.type,
      actor_id: ref.id,
      timer_id: timer.timerId,
      event_type: timer.eventType,
      due_at: timer.dueAt,
      message_id: timer.messageId,
    })),
  );

  const ctes = [
    `turns as (select * from jsonb_to_recordset(${json(turns)}) as t(actor_type text, actor_id text,
       message_id text, machine_id text, machine_version text, expected_version bigint, version bigint,
       snapshot jsonb, status text, message_type text, correlation_id text, causation_id text, sent_by text,
       state_before text, emitted text[], duration_ms float8))`,
    `processed as (insert into processed_messages (actor_type, actor_id, message_id)
       select actor_type, actor_id, message_id from turns returning 1)`,
    `created as (insert into actor_state (actor_type, actor_id, machine_id, machine_version, version, snapshot, status)
       select actor_type, actor_id, machine_id, machine_version, version, snapshot, status from turns
        where expected_version = 0 and exists (select 1 from processed)
       on conflict (actor_type, actor_id) do nothing returning 1)`,
    `updated as (update actor_state s
       set (machine_id, machine_version, version, snapshot, status, updated_at) =
           (t.machine_id, t.machine_version, t.version, t.snapshot, t.status, now())
       from turns t
       where s.actor_type = t.actor_type and s.actor_id = t.actor_id and s.version = t.expected_version
         and t.expected_version > 0 and exists (select 1 from processed)
         -- Conditions the primary key takes whatever the planner guesses of the jsonb rows (it guesses 100, and
         -- on a small table chose a hash join over a scan of every actor: the plan a prepared statement keeps).
         and s.actor_type = any(array(select actor_type from turns where expected_version > 0))
         and s.actor_id = any(array(select actor_id from turns where expected_version > 0))
       returning 1)`,
    // `with ordinality ... order by` keeps the emitted order in the publish sequence.
    `outbox as (insert into outbox_events (id, aggregatetype, aggregateid, type, payload, headers)
       select r.id, r.aggregatetype, r.aggregateid, r.type, r.payload, r.headers
         from jsonb_populate_recordset(null::outbox_events, ${json(outbox)}) with ordinality as r
        order by r.ordinality
       returning 1)`,
    `timers_cancelled as (delete from actor_timers a
       using jsonb_populate_recordset(null::actor_timers, ${json(timersCancelled)}) as c
       where a.actor_type = c.actor_type and a.actor_id = c.actor_id and a.timer_id = c.timer_id)`,
    `timers_set as (insert into actor_timers (actor_type, actor_id, timer_id, event_type, due_at, message_id)
       select r.actor_type, r.actor_id, r.timer_id, r.event_type, r.due_at, r.message_id
         from jsonb_populate_recordset(null::actor_timers, ${json(timersSet)}) as r
       on conflict (actor_type, actor_id, timer_id) do update
         set event_type = excluded.event_type, due_at = excluded.due_at, message_id = excluded.message_id,
             claimed_until = null, attempts = 0, last_error = null
       returning due_at)`,
    `journal as (insert into actor_journal (actor_type, actor_id, version, message_id, message_type, correlation_id,
         causation_id, sent_by, state_before, state_after, snapshot, emitted, node_id, duration_ms)
       select actor_type, actor_id, version, message_id, message_type, correlation_id, causation_id, sent_by,
              state_before, status, snapshot, emitted, ${param(nodeId, 'text')}, duration_ms
         from turns)`,
    ...readModelCtes(batch, tableOf, json, param),
  ];
  // NOTIFY is delivered only if the statement commits, so the relay and the timer service wake exactly when needed.
  const select = [
    `trackops_fence(((select count(*) from created) + (select count(*) from updated) = ${param(batch.length, 'bigint')})::int) as applied`,
    `(select pg_notify('${OUTBOX_CHANNEL}', '') where exists (select 1 from outbox)) is null as outbox_notified`,
    // The earliest due time (epoch ms) rides along: a timer service already waking before it need not re-plan.
    `(select pg_notify('${TIMER_CHANNEL}', (extract(epoch from min(due_at)) * 1000)::bigint::text)
        from timers_set having count(*) > 0) is null as timers_notified`,
  ];
  return { text: `with ${ctes.join(',\n')}\nselect ${select.join(', ')}`, values };
}

/**
 * The batch's read-model writes, one upsert per table and one delete per kind of trim, in table order so that the
 * same mix of actor types always yields the same text.
 */
function readModelCtes(
  batch: readonly TurnToCommit[],
  tableOf: (entityName: string) => TableShape,
  json: (rows: readonly object[]) => string,
  param: (value: unknown, cast: string) => string,
): string[] {
  const upserts = new Map<string, { shape: TableShape; records: Record<string, unknown>[] }>();
  const trims = new Map<string, { shape: TableShape; trim: RowTrim; records: Record<string, unknown>[] }>();
  for (const { readModel } of batch) {
    for (const { entity, rows } of readModel?.upserts ?? []) {
      const shape = tableOf(entity.meta.className);
      const upsert = upserts.get(shape.table) ?? { shape, records: [] };
      upserts.set(shape.table, upsert);
      for (const row of rows) upsert.records.push(recordOf(shape, row as Record<string, unknown>));
    }
    for (const trim of readModel?.trims ?? []) {
      const shape = tableOf(trim.entity.meta.className);
      const kind = `${shape.table}:${Object.keys(trim.match).join(',')}:${trim.above.property}`;
      const group = trims.get(kind) ?? { shape, trim, records: [] };
      trims.set(kind, group);
      group.records.push({ ...trim.match, [TRIM_ABOVE]: trim.above.value });
    }
  }
  const byKey = <T>(map: Map<string, T>) =>
    [...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, value]) => value);
  return [
    ...byKey(upserts)
      .filter(({ records }) => records.length > 0)
      .map(({ shape, records }, index) => upsertCte(`read_model_${index}`, shape, json(records))),
    ...byKey(trims).map(({ shape, trim, records }, index) =>
      trimCte(`read_model_trim_${index}`, shape, trim, records, param),
    ),
  ];
}

/** The trim's lower bound travels beside its match values under this name. */
const TRIM_ABOVE = 'trackops_above';

function recordOf(shape: TableShape, row: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const { property, column } of shape.columns) record[column] = row[property];
  return record;
}

function upsertCte(name: string, { table, columns, primaryKey }: TableShape, records: string): string {
  const names = columns.map(({ column }) => column);
  const updates = names.filter((column) => !primaryKey.includes(column));
  return `${name} as (insert into ${table} (${names.join(', ')})
     select ${names.map((column) => `r.${column}`).join(', ')}
       from jsonb_populate_recordset(null::${table}, ${records}) as r
     on conflict (${primaryKey.join(', ')}) do update
       set ${updates.map((column) => `${column} = excluded.${column}`).join(', ')})`;
}

/**
 * Deletes the rows past each trim's bound. The match values travel as arrays, one per column: `= any(array)` is a
 * condition the index takes, where a join with a jsonb record set made the planner scan the whole table (measured:
 * every batch read all of order_items).
 */
function trimCte(
  name: string,
  { table, columns }: TableShape,
  { match, above }: RowTrim,
  records: readonly Record<string, unknown>[],
  param: (value: unknown, cast: string) => string,
): string {
  const columnOf = (property: string) => {
    const found = columns.find((column) => column.property === property);
    if (!found) throw new RangeError(`${table} has no property ${property}`);
    return found;
  };
  const matched = Object.keys(match).map((property) => {
    const column = columnOf(property);
    return {
      ...column,
      values: param(
        records.map((record) => record[property]),
        `${column.type}[]`,
      ),
    };
  });
  const bound = columnOf(above.property);
  const bounds = param(
    records.map((record) => record[TRIM_ABOVE]),
    `${bound.type}[]`,
  );
  const names = matched.map((_, index) => `m${index}`);
  return `${name} as (delete from ${table} t
     where ${matched.map(({ column, values }) => `t.${column} = any(${values})`).join(' and ')}
       and exists (select 1 from unnest(${[...matched.map(({ values }) => values), bounds].join(', ')})
                     as m(${[...names, TRIM_ABOVE].join(', ')})
                    where ${[...matched.map(({ column }, index) => `t.${column} = m.${names[index]}`), `t.${bound.column} > m.${TRIM_ABOVE}`].join(' and ')}))`;
}
