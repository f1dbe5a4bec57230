import { Kafka, logLevel } from 'kafkajs';
import { readHeaders } from '../../bridge/kafka/records.ts';

/**
 * Reads what landed on Kafka topics, from the beginning, with a throwaway consumer group, so a test can assert on
 * the real records (value, key and headers) that the system produced.
 */
export interface SeenRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
}

export async function watchTopics(brokers: string[], topics: string[]) {
  const kafka = new Kafka({ clientId: 'trackops-test-watch', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `test-watch-${crypto.randomUUID()}`,
    heartbeatInterval: 500,
    sessionTimeout: 6000,
  });
  const seen: SeenRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const text = message.value?.toString('utf8') ?? null;
      let value: unknown = text;
      try {
        value = text === null ? null : JSON.parse(text);
      } catch {
        // keep the raw text: malformed records are exactly what some tests look for
      }
      seen.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value,
        headers: readHeaders(message),
      });
    },
  });
  return {
    seen,
    byKey: (key: string) => seen.filter((record) => record.key === key),
    stop: () => consumer.disconnect(),
  };
}

export async function produce(
  brokers: string[],
  topic: string,
  messages: { key: string | null; value: string | Buffer | null; headers?: Record<string, string> }[],
): Promise<void> {
  const kafka = new Kafka({ clientId: 'trackops-test-produce', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}
