import { randomUUID } from 'node:crypto';
import { AssignerProtocol, type Consumer, Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokers } from '../../config.ts';
import { testConfig } from '../support/testConfig.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * KafkaJS 2.2.4 was never tested by its authors against Kafka 4, whose group coordinator is a rewrite. This pins
 * down every client feature the runtime relies on, against the real broker, before anything subtler is blamed.
 * The steps build on each other (one topic, one group), so they run in order and share state.
 */

Object.assign(process.env, { KAFKAJS_NO_PARTITIONER_WARNING: '1' });

const runId = randomUUID();
const topic = `smoke-${runId}`;
const groupId = `smoke-${runId}`;
const kafka = new Kafka({
  clientId: 'kafka-smoke',
  brokers: kafkaBrokers(testConfig()),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const clients = new Set<Producer | Consumer>();

interface Delivery {
  member: string;
  partition: number;
  value: string;
}

interface Member {
  name: string;
  consumer: Consumer;
  /** The partitions of `topic` this member got at its latest join. */
  partitions: number[];
}

/** Keys spread over both partitions explicitly, so every member of a two-member group has work. */
function keyedMessages(first: number, count: number): Message[] {
  return Array.from({ length: count }, (_, index) => {
    const n = first + index;
    return { key: `order-${n}`, value: `message-${n}`, partition: n % 2 };
  });
}

const messageValues = (first: number, count: number) =>
  keyedMessages(first, count).map(({ value }) => String(value));

async function produce(messages: Message[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  clients.add(producer);
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

/** A group member that commits each message itself and records it only after the commit succeeded. */
async function startMember(name: string, deliveries: Delivery[]): Promise<Member> {
  // Short heartbeats and fetch waits: a rebalance is noticed in well under a second instead of several.
  const consumer = kafka.consumer({
    groupId,
    heartbeatInterval: 500,
    sessionTimeout: 6000,
    maxWaitTimeInMs: 250,
  });
  clients.add(consumer);
  const member: Member = { name, consumer, partitions: [] };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    member.partitions = payload.memberAssignment[topic] ?? [];
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      // A message whose commit failed (rebalance) comes again; recording it only now keeps that from looking
      // like a duplicate, while a real redelivery of a committed message still shows up twice.
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      deliveries.push({ member: name, partition, value: String(message.value) });
    },
  });
  return member;
}

async function highWaterMarks(): Promise<Map<number, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map(({ partition, high }) => [partition, high]));
}

async function committedOffsets(): Promise<Map<number, string>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map(({ partition, offset }) => [partition, offset]));
}

async function committedEqualsHighWater(): Promise<boolean> {
  const [committed, high] = await Promise.all([committedOffsets(), highWaterMarks()]);
  return [...high].every(([partition, offset]) => committed.get(partition) === offset);
}

/** Partitions per member as the broker sees the group, once it is stable with `memberCount` members. */
async function stableAssignments(memberCount: number): Promise<number[][] | undefined> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (group?.state !== 'Stable' || group.members.length !== memberCount) return undefined;
  return group.members.map(
    (member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [],
  );
}

const sorted = (values: string[]) => [...values].sort();

describe('KafkaJS against the Kafka 4 broker', () => {
  let groupMembers: Member[] = [];

  beforeAll(async () => {
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.allSettled([...clients].map((client) => client.disconnect()));
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  });

  it('creates a two-partition topic and reads its offsets', async () => {
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
    // The leaders are elected, but the broker that answers ListOffsets may learn of them a moment later
    // (NOT_LEADER_FOR_PARTITION, a retriable error a client is meant to retry).
    const offsets = await waitFor(() => admin.fetchTopicOffsets(topic), { what: "the new topic's offsets" });
    expect(
      offsets
        .map(({ partition, low, high }) => ({ partition, low, high }))
        .sort((a, b) => a.partition - b.partition),
    ).toEqual([
      { partition: 0, low: '0', high: '0' },
      { partition: 1, low: '0', high: '0' },
    ]);
  });

  it('sends ten keyed messages with an idempotent producer', async () => {
    await produce(keyedMessages(0, 10));
    expect(Object.fromEntries(await highWaterMarks())).toEqual({ 0: '5', 1: '5' });
  });

  it('splits the messages over a two-member group, each delivered exactly once', async () => {
    const deliveries: Delivery[] = [];
    groupMembers = await Promise.all([startMember('a', deliveries), startMember('b', deliveries)]);
    await waitFor(() => deliveries.length >= 10, { what: 'ten deliveries' });
    const assignments = await waitFor(() => stableAssignments(2), { what: 'a stable group of two' });
    expect(assignments.map((partitions) => partitions.length).sort()).toEqual([1, 1]);
    await waitFor(() => groupMembers.every((member) => member.partitions.length === 1), {
      what: 'both joins',
    });
    await waitFor(committedEqualsHighWater, { what: 'commits up to the high-water marks' });
    expect(sorted(deliveries.map(({ value }) => value))).toEqual(sorted(messageValues(0, 10)));
  });

  it('resumes a new member from the committed offsets', async () => {
    await Promise.all(groupMembers.map(({ consumer }) => consumer.disconnect()));
    await produce(keyedMessages(10, 5));
    const deliveries: Delivery[] = [];
    await startMember('c', deliveries);
    await waitFor(() => deliveries.length >= 5, { what: 'five deliveries' });
    await waitFor(committedEqualsHighWater, { what: 'commits up to the high-water marks' });
    expect(sorted(deliveries.map(({ value }) => value))).toEqual(sorted(messageValues(10, 5)));
    expect(Object.fromEntries(await committedOffsets())).toEqual(Object.fromEntries(await highWaterMarks()));
    expect(Object.fromEntries(await highWaterMarks())).toEqual({ 0: '8', 1: '7' });
  });
});
