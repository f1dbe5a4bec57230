import type { Admin, ITopicConfig } from 'kafkajs';

/**
 * The Kafka topics of TrackOps (ARCHITECTURE.md), each with its dead letter topic. Every record is keyed by its
 * aggregate id, so one actor's events stay in one partition and in order. Topics are created explicitly at
 * start-up (the broker does not auto-create), with a prefix so tests and a running system can share a broker.
 */
export const EVENT_TOPICS = [
  // facts of the order
  'order.created',
  'order.status.updated',
  'order.cancelled',
  'order.delivered',
  'order.notification',
  // commands to the order (from its saga)
  'order.confirm',
  'order.cancel',
  // inventory commands and facts
  'inventory.reserve',
  'inventory.release',
  'inventory.commit',
  'inventory.reserved',
  'inventory.reservation.failed',
  'inventory.released',
  'inventory.committed',
  'inventory.low-stock',
  // payment commands and facts
  'payment.charge',
  'payment.refund',
  'payment.processed',
  'payment.failed',
  'payment.refunded',
  'saga.events',
  // carrier tracking
  'shipment.events',
] as const;

export const DLQ_SUFFIX = '.dlq';

export const deadLetterTopic = (topic: string): string => `${topic}${DLQ_SUFFIX}`;

export interface TopicNames {
  /** Base name (as in ARCHITECTURE.md) -> the topic on the broker. */
  full(base: string): string;
  /** Topic on the broker -> base name, or undefined when it is not one of ours. */
  base(full: string): string | undefined;
}

export function createTopicNames(prefix: string): TopicNames {
  return {
    full: (base) => `${prefix}${base}`,
    base: (full) => (full.startsWith(prefix) ? full.slice(prefix.length) : undefined),
  };
}

export async function ensureTopics(admin: Admin, names: TopicNames, partitions: number): Promise<void> {
  const wanted = EVENT_TOPICS.flatMap((topic) => [topic, deadLetterTopic(topic)]).map(names.full);
  const existing = new Set(await admin.listTopics());
  const missing: ITopicConfig[] = wanted
    .filter((topic) => !existing.has(topic))
    .map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 }));
  if (missing.length === 0) return;
  // createTopics reports false (not an error) when another node created them first: that is fine.
  await admin.createTopics({ topics: missing, waitForLeaders: true });
}
