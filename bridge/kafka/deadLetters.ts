import type { IHeaders, Producer } from 'kafkajs';
import type { TrackOpsError } from '../../actors/errors.ts';
import type { ConsumedRecord } from './records.ts';
import { deadLetterTopic, type TopicNames } from './topics.ts';

/**
 * Parks a record that cannot be applied on `<topic>.dlq`: the original key, value and headers, plus why, how many
 * attempts were made and where it came from, so it can be inspected and redriven. Throws if the DLQ write fails,
 * so the caller does not commit the offset and nothing is lost.
 */
export const DLQ_HEADERS = {
  reasonCode: 'dlq-reason-code',
  reason: 'dlq-reason',
  attempts: 'dlq-attempts',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  failedAt: 'dlq-failed-at',
} as const;

export interface DeadLetterPublisher {
  publish(record: ConsumedRecord, failure: { error: TrackOpsError; attempts: number }): Promise<void>;
}

/** Keeps a queryable copy of each dead letter (db/deadLetterStore.ts), for listing and redrive. */
export interface DeadLetterMirror {
  record(record: ConsumedRecord, failure: { code: string; reason: string; attempts: number }): Promise<void>;
}

export function createDeadLetterPublisher(
  producer: Producer,
  names: TopicNames,
  mirror?: DeadLetterMirror,
): DeadLetterPublisher {
  return {
    async publish(record, { error, attempts }) {
      const headers: IHeaders = {
        ...record.headers,
        [DLQ_HEADERS.reasonCode]: error.code,
        [DLQ_HEADERS.reason]: error.message.slice(0, 4000),
        [DLQ_HEADERS.attempts]: String(attempts),
        [DLQ_HEADERS.originalTopic]: record.topic,
        [DLQ_HEADERS.originalPartition]: String(record.partition),
        [DLQ_HEADERS.originalOffset]: record.offset,
        [DLQ_HEADERS.failedAt]: new Date().toISOString(),
      };
      await producer.send({
        topic: names.full(deadLetterTopic(record.topic)),
        messages: [{ key: record.key, value: record.value, headers }],
      });
      await mirror?.record(record, { code: error.code, reason: error.message.slice(0, 4000), attempts });
    },
  };
}
