import { histogramIncrease, histogramQuantile, type Sample, sumOf } from './prometheus.ts';

/**
 * Where the time goes, from the runtime's own metrics: the increase of each counter and histogram between a
 * scrape before and one after the measured run (summed over the nodes). Histogram quantiles are interpolated
 * inside Prometheus buckets, so they are approximate; means (sum/count) are exact.
 */
export interface HistogramStage {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface StageReport {
  readonly turns: Record<string, HistogramStage>;
  readonly turnsFenced: number;
  readonly activations: Record<string, number>;
  readonly procedures: Record<string, HistogramStage>;
  readonly outboxPublished: number;
  readonly outboxPublishLag: HistogramStage;
  readonly sagas: Record<string, HistogramStage>;
  readonly routedRecords: Record<string, number>;
}

const ACTOR_TYPES = ['order', 'orderSaga', 'inventoryItem', 'payment', 'cancellationSaga'];

function stage(
  before: readonly Sample[],
  after: readonly Sample[],
  name: string,
  filter = {},
): HistogramStage {
  const increase = histogramIncrease(before, after, name, filter);
  return {
    count: increase.count,
    meanMs: increase.count > 0 ? (increase.sum / increase.count) * 1000 : Number.NaN,
    p50Ms: histogramQuantile(0.5, increase.buckets) * 1000,
    p99Ms: histogramQuantile(0.99, increase.buckets) * 1000,
  };
}

const increaseOf = (before: readonly Sample[], after: readonly Sample[], name: string, filter = {}) =>
  sumOf(after, name, filter) - sumOf(before, name, filter);

function labelValues(samples: readonly Sample[], name: string, label: string): string[] {
  return [...new Set(samples.filter((s) => s.name === name).map((s) => s.labels[label] ?? ''))].sort();
}

export function stagesBetween(before: readonly Sample[], after: readonly Sample[]): StageReport {
  const turns: Record<string, HistogramStage> = {};
  for (const type of ACTOR_TYPES) {
    const turnStage = stage(before, after, 'trackops_turn_duration_seconds', { actor_type: type });
    if (turnStage.count > 0) turns[type] = turnStage;
  }
  const activations: Record<string, number> = {};
  for (const source of labelValues(after, 'trackops_actor_activations_total', 'source')) {
    activations[source] = increaseOf(before, after, 'trackops_actor_activations_total', { source });
  }
  const procedures: Record<string, HistogramStage> = {};
  for (const procedure of labelValues(after, 'trackops_trpc_request_duration_seconds_count', 'procedure')) {
    const procedureStage = stage(before, after, 'trackops_trpc_request_duration_seconds', { procedure });
    if (procedureStage.count > 0) procedures[procedure] = procedureStage;
  }
  const sagas: Record<string, HistogramStage> = {};
  for (const saga of labelValues(after, 'trackops_saga_duration_seconds_count', 'saga')) {
    for (const outcome of labelValues(after, 'trackops_saga_duration_seconds_count', 'outcome')) {
      const sagaStage = stage(before, after, 'trackops_saga_duration_seconds', { saga, outcome });
      if (sagaStage.count > 0) sagas[`${saga}:${outcome}`] = sagaStage;
    }
  }
  const routedRecords: Record<string, number> = {};
  for (const outcome of labelValues(after, 'trackops_router_records_total', 'outcome')) {
    routedRecords[outcome] = increaseOf(before, after, 'trackops_router_records_total', { outcome });
  }
  return {
    turns,
    turnsFenced: increaseOf(before, after, 'trackops_turns_fenced_total'),
    activations,
    procedures,
    outboxPublished: increaseOf(before, after, 'trackops_outbox_published_total'),
    outboxPublishLag: stage(before, after, 'trackops_outbox_publish_lag_seconds'),
    sagas,
    routedRecords,
  };
}
