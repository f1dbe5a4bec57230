import type { Admin } from 'kafkajs';

/**
 * How far a consumer group is behind, per topic: the sum over partitions of (high watermark - committed offset).
 * A partition the group never committed counts from its low watermark (what the group would start from).
 */
export async function consumerLag(admin: Admin, groupId: string, topics: readonly string[]) {
  const lag = new Map<string, number>();
  if (topics.length === 0) return lag;
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  await Promise.all(
    committed.map(async ({ topic, partitions }) => {
      const watermarks = await admin.fetchTopicOffsets(topic);
      let behind = 0;
      for (const { partition, high, low } of watermarks) {
        const offset = partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
        const from = Number(offset) >= 0 ? Number(offset) : Number(low);
        behind += Math.max(0, Number(high) - from);
      }
      lag.set(topic, behind);
    }),
  );
  return lag;
}
