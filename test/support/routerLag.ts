import type { TestSystem } from './testSystem.ts';
import { waitFor } from './waitFor.ts';

/** Waits until the event router has committed every record now on these topics: nothing left for it to apply. */
export async function waitForRouterCaughtUp(
  sut: TestSystem,
  baseTopics: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const admin = sut.trackops.kafka.admin();
  await admin.connect();
  try {
    const topics = baseTopics.map(sut.topic);
    const groupId = `${sut.config.TRACKOPS_NAMESPACE}-router`;
    await waitFor(
      async () => {
        const committed = await admin.fetchOffsets({ groupId, topics });
        for (const topic of topics) {
          const ends = await admin.fetchTopicOffsets(topic);
          const done = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
          for (const end of ends) {
            const offset = done.find((partition) => partition.partition === end.partition)?.offset ?? '-1';
            if (BigInt(end.high) > 0n && BigInt(offset) < BigInt(end.high)) return false;
          }
        }
        return true;
      },
      { what: 'the event router to catch up', timeoutMs },
    );
  } finally {
    await admin.disconnect();
  }
}
