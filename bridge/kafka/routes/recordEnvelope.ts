import { createEnvelope, type Envelope, HEADERS } from '../../../actors/envelope.ts';
import { InvalidEventError, MalformedRecordError } from '../errors.ts';
import { type ConsumedRecord, recordMessageId } from '../records.ts';

/** The JSON object a record carries; anything else cannot be routed. */
export function recordJson(record: ConsumedRecord): Record<string, unknown> {
  if (!record.value) throw new MalformedRecordError(`${record.topic} record has no value`);
  let json: unknown;
  try {
    json = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    throw new MalformedRecordError(`${record.topic} record is not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new MalformedRecordError(`${record.topic} record is not a JSON object`);
  }
  return json as Record<string, unknown>;
}

/** A record produced by TrackOps' own relay, as the envelope it was: same id, type, ids and time. */
export function envelopeFromRecord(record: ConsumedRecord, payload: Record<string, unknown>): Envelope {
  const id = recordMessageId(record);
  const occurredAt = record.headers['occurred-at'] ?? new Date(Number(record.timestamp)).toISOString();
  // The topic is the message type (the relay publishes each type on its own topic): a record claiming another type
  // would smuggle, say, a cancel in on the confirm topic.
  const type = record.headers[HEADERS.eventType] ?? record.topic;
  if (type !== record.topic) {
    throw new InvalidEventError(
      `${record.topic} record has event-type ${JSON.stringify(type.slice(0, 100))}, not its topic`,
    );
  }
  return createEnvelope({
    id,
    type,
    payload,
    correlationId: record.headers[HEADERS.correlationId] ?? id,
    causationId: record.headers[HEADERS.causationId],
    occurredAt,
    schemaVersion: schemaVersionOf(record),
  });
}

/** A record's `schema-version` header (1 when absent); anything but a positive integer is refused. */
export function schemaVersionOf(record: ConsumedRecord): number {
  const header = record.headers[HEADERS.schemaVersion];
  if (header === undefined) return 1;
  if (!/^[1-9]\d{0,5}$/.test(header)) {
    throw new InvalidEventError(
      `${record.topic} record has schema-version ${JSON.stringify(header.slice(0, 20))}, not a positive integer`,
    );
  }
  return Number(header);
}

/** Reads a string field the route needs to find the target; its absence makes the record unroutable. */
export function requiredString(payload: Record<string, unknown>, field: string, topic: string): string {
  const value = payload[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MalformedRecordError(`${topic} record has no ${field} to route by`);
  }
  return value;
}
