import type { Admin } from 'kafkajs';
import type { TopicNames } from './topics.ts';

/**
 * Where a replay starts and ends, per partition: a time is turned into offsets by the broker
 * (`fetchTopicOffsetsByTimestamp`: the first offset whose timestamp is at or after it), an offset applies to every
 * partition. Ranges are half-open, [start, end), and clamped to what the partition holds; the end defaults to the
 * high watermark when the replay starts, so a replay never chases records it caused itself.
 */
export type ReplayPosition =
  | { readonly kind: 'time'; readonly at: string }
  | { readonly kind: 'offset'; readonly offset: string };

export interface PartitionRange {
  /** Base topic name. */
  readonly topic: string;
  readonly partition: number;
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A non-negative integer is an offset; an ISO 8601 date or time is a time. Digits are tried first: `Date.parse`
 * reads "12" as a date in 2001. Anything else is undefined.
 */
export function parseReplayPosition(text: string): ReplayPosition | undefined {
  const trimmed = text.trim();
  if (/^\d{1,19}$/.test(trimmed)) return { kind: 'offset', offset: BigInt(trimmed).toString() };
  if (!ISO_DATE.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : { kind: 'time', at: new Date(ms).toISOString() };
}

/** Why a from/to pair can be refused before anything is read (both of one kind and from after to). */
export function positionsProblem(from: ReplayPosition, to: ReplayPosition | undefined): string | undefined {
  if (!to || from.kind !== to.kind) return undefined;
  const after =
    from.kind === 'time'
      ? Date.parse(from.at) > Date.parse((to as typeof from).at)
      : BigInt(from.offset) > BigInt((to as typeof from).offset);
  return after ? 'from is after to' : undefined;
}

/**
 * Clamps a wanted [start, end) to what one partition holds, [low, high); an empty range has start = end. An
 * unknown start is the low watermark, an unknown end the high one.
 */
export function clampRange(
  wanted: { start: bigint | undefined; end: bigint | undefined },
  watermarks: { low: bigint; high: bigint },
): { start: bigint; end: bigint } {
  const { low, high } = watermarks;
  const start = within(wanted.start ?? low, low, high);
  return { start, end: within(wanted.end ?? high, start, high) };
}

/** `value` moved into [low, high] (Math.min/max do not take bigints). */
export function within(value: bigint, low: bigint, high: bigint): bigint {
  if (value < low) return low;
  if (value > high) return high;
  return value;
}

export async function resolveRanges(
  admin: Admin,
  names: TopicNames,
  request: { topics: readonly string[]; from: ReplayPosition; to?: ReplayPosition | undefined },
): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const topic of request.topics) {
    const full = names.full(topic);
    // Watermarks first: an end found later by timestamp is clamped to the high watermark of this moment.
    const watermarks = await admin.fetchTopicOffsets(full);
    const starts = await offsetsAt(admin, full, request.from);
    const ends = request.to ? await offsetsAt(admin, full, request.to) : undefined;
    for (const { partition, low, high } of watermarks) {
      const { start, end } = clampRange(
        { start: starts(partition), end: ends?.(partition) },
        { low: BigInt(low), high: BigInt(high) },
      );
      ranges.push({ topic, partition, start, end });
    }
  }
  return ranges.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

async function offsetsAt(
  admin: Admin,
  fullTopic: string,
  position: ReplayPosition,
): Promise<(partition: number) => bigint | undefined> {
  if (position.kind === 'offset') {
    const offset = BigInt(position.offset);
    return () => offset;
  }
  // For a time after every record, kafkajs answers the high watermark.
  const found = await admin.fetchTopicOffsetsByTimestamp(fullTopic, Date.parse(position.at));
  const byPartition = new Map(found.map(({ partition, offset }) => [partition, BigInt(offset)]));
  return (partition) => byPartition.get(partition);
}
