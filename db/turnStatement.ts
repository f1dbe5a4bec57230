import type { EntityMetadata, MetadataStorage } from '@mikro-orm/core';
import type { Turn } from '../actors/ports.ts';
import { describeStateValue } from '../actors/stateValue.ts';
import { OUTBOX_CHANNEL } from './outboxStore.ts';
import type { ReadModelWrites, RowTrim, RowUpsert } from './projections/projectionWriters.ts';
import { TIMER_CHANNEL } from './timerChannel.ts';

/**
 * A whole turn as ONE parameterised SQL statement: data-modifying CTEs record the processed message id (first, as
 * a transaction would, so a paused writer waits on that key, not on the actor's row), write the actor's state at the
 * expected version (the fence), then its outbox rows, timers, read model and journal entry, and notify the relay.
 * A single statement is atomic on its own, so a turn costs one round trip instead of a transaction's dozen, and no
 * ORM unit of work. A duplicate message id fails the statement on its primary key; a state write that found no row
 * at the expected version fails it in `trackops_fence` (SQLSTATE TKSTL, migration turn_fence), so nothing is kept.
 */
/** The SQLSTATE `trackops_fence` raises when the state was not at the expected version. */
export const STALE_WRITER_SQLSTATE = 'TKSTL';

export interface TurnStatement {
  readonly text: string;
  readonly values: unknown[];
}

export interface JournalEntry {
  readonly nodeId: string;
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

/** Builds the statement; `$n` parameters only, nothing from the turn is spliced into the text. */
export function buildTurnStatement(
  turn: Turn,
  readModel: ReadModelWrites | undefined,
  journal: JournalEntry,
  tableOf: (entityName: string) => TableShape,
): TurnStatement {
  const values: unknown[] = [];
  const param = (value: unknown, cast: string): string => {
    values.push(value);
    return `$${values.length}::${cast}`;
  };
  const { ref } = turn;
  const type = param(ref.type, 'text');
  const id = param(ref.id, 'text');
  // Serialised once: the state row and the journal entry read the same parameter.
  const snapshot = param(JSON.stringify(turn.snapshot), 'jsonb');
  const status = describeStateValue(turn.snapshot.value);
  const stateValues = [
    param(turn.machineId, 'text'),
    param(turn.machineVersion, 'text'),
    param(turn.version, 'bigint'),
    snapshot,
    param(status, 'text'),
  ];
  const ctes: string[] = [];
  const fenced = 'exists (select 1 from fenced)';

  ctes.push(
    `processed as (insert into processed_messages (actor_type, actor_id, message_id)
       values (${type}, ${id}, ${param(turn.message.id, 'text')}) returning 1)`,
  );
  ctes.push(
    turn.expectedVersion === 0
      ? `fenced as (insert into actor_state (actor_type, actor_id, machine_id, machine_version, version, snapshot, status)
           select ${type}, ${id}, ${stateValues.join(', ')} where exists (select 1 from processed)
           on conflict (actor_type, actor_id) do nothing returning 1)`
      : `fenced as (update actor_state
           set (machine_id, machine_version, version, snapshot, status, updated_at) = (${stateValues.join(', ')}, now())
           where actor_type = ${type} and actor_id = ${id} and version = ${param(turn.expectedVersion, 'bigint')}
             and exists (select 1 from processed)
           returning 1)`,
  );

  if (turn.outbox.length > 0) {
    const rows = turn.outbox.map(({ aggregateType, aggregateId, envelope }) => ({
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
    }));
    // `with ordinality ... order by` keeps the emitted order in the publish sequence.
    ctes.push(
      `outbox as (insert into outbox_events (id, aggregatetype, aggregateid, type, payload, headers)
         select r.id, r.aggregatetype, r.aggregateid, r.type, r.payload, r.headers
           from jsonb_populate_recordset(null::outbox_events, ${param(JSON.stringify(rows), 'jsonb')})
             with ordinality as r
          where ${fenced} order by r.ordinality)`,
    );
  }

  const { cancel, set } = turn.timers;
  // A timer set again is replaced by the upsert; deleting it in the same statement would touch its row twice.
  const cancelled = cancel.filter((timerId) => !set.some((timer) => timer.timerId === timerId));
  if (cancelled.length > 0) {
    ctes.push(
      `timers_cancelled as (delete from actor_timers
         where actor_type = ${type} and actor_id = ${id} and timer_id = any(${param(cancelled, 'text[]')}) and ${fenced})`,
    );
  }
  if (set.length > 0) {
    const rows = set.map((timer) => ({
      timer_id: timer.timerId,
      event_type: timer.eventType,
      due_at: timer.dueAt,
      message_id: timer.messageId,
    }));
    ctes.push(
      `timers_set as (insert into actor_timers (actor_type, actor_id, timer_id, event_type, due_at, message_id)
         select ${type}, ${id}, r.timer_id, r.event_type, r.due_at, r.message_id
           from jsonb_populate_recordset(null::actor_timers, ${param(JSON.stringify(rows), 'jsonb')}) as r
          where ${fenced}
         on conflict (actor_type, actor_id, timer_id) do update
           set event_type = excluded.event_type, due_at = excluded.due_at, message_id = excluded.message_id,
               claimed_until = null, attempts = 0, last_error = null)`,
    );
  }

  readModel?.upserts.forEach((upsert, index) => {
    if (upsert.rows.length > 0) ctes.push(upsertCte(`read_model_${index}`, upsert, tableOf, param, fenced));
  });
  readModel?.trims.forEach((trim, index) => {
    ctes.push(trimCte(`read_model_trim_${index}`, trim, tableOf, param, fenced));
  });

  const { message } = turn;
  ctes.push(
    `journal as (insert into actor_journal (actor_type, actor_id, version, message_id, message_type, correlation_id,
         causation_id, sent_by, state_before, state_after, snapshot, emitted, node_id, duration_ms)
       select ${type}, ${id}, ${[
         param(turn.version, 'integer'),
         param(message.id, 'text'),
         param(message.type, 'text'),
         param(message.correlationId, 'text'),
         param(message.causationId ?? null, 'text'),
         param(message.sentBy ?? null, 'text'),
         param(turn.stateBefore === undefined ? null : describeStateValue(turn.stateBefore), 'text'),
         param(status, 'text'),
         snapshot,
         param(
           turn.outbox.map((event) => event.envelope.type),
           'text[]',
         ),
         param(journal.nodeId, 'text'),
         param(journal.durationMs, 'float8'),
       ].join(', ')}
       where ${fenced})`,
  );

  // NOTIFY is delivered only if the statement commits, so the relay and the timer service wake exactly when needed.
  const notices = [
    ...(turn.outbox.length > 0 ? [`(select pg_notify('${OUTBOX_CHANNEL}', '') from fenced) is null`] : []),
    ...(set.length > 0 ? [`(select pg_notify('${TIMER_CHANNEL}', '') from fenced) is null`] : []),
  ];
  const select = [
    'trackops_fence((select count(*) from fenced)) as applied',
    ...notices.map((notice, index) => `${notice} as notified_${index}`),
  ];
  return { text: `with ${ctes.join(',\n')}\nselect ${select.join(', ')}`, values };
}

type Param = (value: unknown, cast: string) => string;

function upsertCte(
  name: string,
  { entity, rows }: RowUpsert,
  tableOf: (entityName: string) => TableShape,
  param: Param,
  fenced: string,
): string {
  const { table, columns, primaryKey } = tableOf(entity.meta.className);
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const { property, column } of columns) record[column] = (row as Record<string, unknown>)[property];
    return record;
  });
  const names = columns.map(({ column }) => column);
  const updates = names.filter((column) => !primaryKey.includes(column));
  return `${name} as (insert into ${table} (${names.join(', ')})
     select ${names.map((column) => `r.${column}`).join(', ')}
       from jsonb_populate_recordset(null::${table}, ${param(JSON.stringify(records), 'jsonb')}) as r
      where ${fenced}
     on conflict (${primaryKey.join(', ')}) do update
       set ${updates.map((column) => `${column} = excluded.${column}`).join(', ')})`;
}

function trimCte(
  name: string,
  { entity, match, above }: RowTrim,
  tableOf: (entityName: string) => TableShape,
  param: Param,
  fenced: string,
): string {
  const { table, columns } = tableOf(entity.meta.className);
  const columnOf = (property: string) => {
    const found = columns.find((column) => column.property === property);
    if (!found) throw new RangeError(`${table} has no property ${property}`);
    return found;
  };
  const conditions = Object.entries(match).map(([property, value]) => {
    const { column, type } = columnOf(property);
    return `${column} = ${param(value, type)}`;
  });
  const bound = columnOf(above.property);
  return `${name} as (delete from ${table}
     where ${[...conditions, `${bound.column} > ${param(above.value, bound.type)}`, fenced].join(' and ')})`;
}
