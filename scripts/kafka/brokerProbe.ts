import { Kafka, logLevel } from 'kafkajs';

/** Creating and describing a topic needs the controller, which describeCluster alone does not prove. */
const READINESS_TOPIC = 'trackops-broker-ready';

export async function isKafkaReachable(broker: string): Promise<boolean> {
  return withProbeAdmin(broker, async (admin) => {
    await admin.describeCluster();
  });
}

export async function isBrokerReady(broker: string): Promise<boolean> {
  return withProbeAdmin(broker, async (admin) => {
    await admin.describeCluster();
    await admin.createTopics({
      topics: [{ topic: READINESS_TOPIC, numPartitions: 1 }],
      waitForLeaders: true,
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: [READINESS_TOPIC] });
    if (!topics[0]?.partitions.some((partition) => partition.leader >= 0)) throw new Error('no leader yet');
  });
}

/** Runs one admin call with a quiet, non-retrying client; false means the broker did not answer. */
async function withProbeAdmin(
  broker: string,
  call: (admin: ReturnType<Kafka['admin']>) => Promise<void>,
): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'trackops-broker-probe',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await call(admin);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
