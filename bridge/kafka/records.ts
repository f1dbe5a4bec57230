import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { type Envelope, HEADERS } from '../../actors/envelope.ts';

/**
 * Envelope <-> Kafka record. The headers carry the envelope's metadata under the names of ARCHITECTURE.md, so any
 * consumer (ours, a replay, Debezium's) can route and deduplicate without parsing the value.
 */
export function recordOf(aggregateId: string, envelope: Envelope, producedAt: Date): Message {
  const headers: IHeaders = {
    [HEADERS.messageId]: envelope.id,
    [HEADERS.correlationId]: envelope.correlationId,
    [HEADERS.eventType]: envelope.type,
    [HEADERS.schemaVersion]: String(envelope.schemaVersion),
    [HEADERS.producedAt]: producedAt.toISOString(),
    'occurred-at': envelope.occurredAt,
  };
  if (envelope.causationId) headers[HEADERS.causationId] = envelope.causationId;
  return { key: aggregateId, value: JSON.stringify(envelope.payload ?? null), headers };
}

/** Kafka header values arrive as Buffers (or arrays of them); we only ever write single strings. */
export function readHeaders(message: KafkaMessage): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

/** A record as the router sees it: where it came from and what it holds. */
export interface ConsumedRecord {
  /** Base topic name (without the deployment prefix). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  readonly timestamp: string;
}

export function consumedRecord(base: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic: base,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers: readHeaders(message),
    timestamp: message.timestamp,
  };
}

/** A stable id for a record that did not bring one: redelivering the same record yields the same id. */
export const recordMessageId = (record: ConsumedRecord): string =>
  record.headers[HEADERS.messageId] ?? `kafka:${record.topic}:${record.partition}:${record.offset}`;
