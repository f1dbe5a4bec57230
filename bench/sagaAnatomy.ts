import type { TrackOpsClient } from '../api/client.ts';
import { median } from './stats.ts';

/**
 * Where one saga's time goes, read from the journal: every turn an order's correlation id caused (actors.trace),
 * in commit order. For each turn, `turn` is how long the actor took (its journal `durationMs`: activation,
 * transition, commit) and `wait` the time since the previous turn committed, minus `turn`: the trip of the message
 * that caused it (outbox relay -> Kafka -> router -> NATS -> mailbox). Turns of one step that run side by side
 * (the two SKUs' reservations) make `wait` approximate; the sums per saga are exact.
 */
export interface TracedTurn {
  readonly actorType: string;
  readonly messageType: string;
  readonly durationMs: number;
  readonly at: string;
}

export interface AnatomyStep {
  readonly step: string;
  readonly sagas: number;
  readonly waitP50Ms: number;
  readonly turnP50Ms: number;
}

export interface SagaAnatomy {
  readonly sampled: number;
  readonly steps: AnatomyStep[];
  /** Per saga, from the first turn's start to the last turn's commit, split into turn time and waits (medians). */
  readonly totalP50Ms: number;
  readonly turnsP50Ms: number;
  readonly waitsP50Ms: number;
}

export function anatomyOf(traces: readonly (readonly TracedTurn[])[]): SagaAnatomy {
  const waits = new Map<string, number[]>();
  const turns = new Map<string, number[]>();
  const order: string[] = [];
  const totals: number[] = [];
  const turnSums: number[] = [];
  for (const trace of traces) {
    const sorted = [...trace].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    if (!first || !last) continue;
    const seen = new Map<string, number>();
    let previousAt = Date.parse(first.at) - first.durationMs;
    let turnSum = 0;
    for (const turn of sorted) {
      const base = `${turn.actorType} <- ${turn.messageType}`;
      const occurrence = (seen.get(base) ?? 0) + 1;
      seen.set(base, occurrence);
      const step = occurrence > 1 ? `${base} #${occurrence}` : base;
      if (!waits.has(step)) {
        order.push(step);
        waits.set(step, []);
        turns.set(step, []);
      }
      const at = Date.parse(turn.at);
      waits.get(step)?.push(Math.max(0, at - previousAt - turn.durationMs));
      turns.get(step)?.push(turn.durationMs);
      turnSum += turn.durationMs;
      previousAt = at;
    }
    const total = Date.parse(last.at) - (Date.parse(first.at) - first.durationMs);
    totals.push(total);
    turnSums.push(turnSum);
  }
  return {
    sampled: totals.length,
    steps: order.map((step) => ({
      step,
      sagas: waits.get(step)?.length ?? 0,
      waitP50Ms: median(waits.get(step) ?? []),
      turnP50Ms: median(turns.get(step) ?? []),
    })),
    totalP50Ms: median(totals),
    turnsP50Ms: median(turnSums),
    waitsP50Ms: median(totals.map((total, index) => total - (turnSums[index] ?? 0))),
  };
}

/** The traces of `orderIds` (each order's first journal entry names the correlation id its saga carries). */
export async function traceOrders(
  client: TrackOpsClient,
  orderIds: readonly string[],
): Promise<TracedTurn[][]> {
  return Promise.all(
    orderIds.map(async (id) => {
      const journal = await client.actors.journal.query({ type: 'order', id, limit: 50 });
      const creation = journal.find((entry) => entry.version === 1);
      if (!creation) return [];
      return client.actors.trace.query({ correlationId: creation.correlationId, limit: 200 });
    }),
  );
}
