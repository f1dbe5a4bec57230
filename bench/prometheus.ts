/**
 * Just enough of the Prometheus text format to read TrackOps' /metrics: samples with labels, sums over label
 * sets, and quantiles of a histogram's increase between two scrapes (as PromQL's histogram_quantile does).
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL)) {
      labels[key as string] = (raw as string).replace(/\\(.)/g, (_, escaped: string) =>
        escaped === 'n' ? '\n' : escaped,
      );
    }
    samples.push({ name: match[1] as string, labels, value: parseSampleValue(match[3] as string) });
  }
  return samples;
}

function parseSampleValue(raw: string): number {
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

type LabelFilter = Readonly<Record<string, string>>;

const matches = (sample: Sample, name: string, filter: LabelFilter) =>
  sample.name === name && Object.entries(filter).every(([key, value]) => sample.labels[key] === value);

/** The sum of every series of `name` whose labels include `filter`. */
export function sumOf(samples: readonly Sample[], name: string, filter: LabelFilter = {}): number {
  return samples.filter((sample) => matches(sample, name, filter)).reduce((sum, s) => sum + s.value, 0);
}

/** Cumulative bucket counts by upper bound, summed over the series that match `filter`. */
export function histogramBuckets(
  samples: readonly Sample[],
  name: string,
  filter: LabelFilter = {},
): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const sample of samples) {
    if (!matches(sample, `${name}_bucket`, filter)) continue;
    const bound = parseSampleValue(sample.labels['le'] ?? 'NaN');
    buckets.set(bound, (buckets.get(bound) ?? 0) + sample.value);
  }
  return buckets;
}

/** How a histogram grew between two scrapes: count, sum and the cumulative buckets of the increase. */
export interface HistogramIncrease {
  readonly count: number;
  readonly sum: number;
  readonly buckets: ReadonlyMap<number, number>;
}

export function histogramIncrease(
  before: readonly Sample[],
  after: readonly Sample[],
  name: string,
  filter: LabelFilter = {},
): HistogramIncrease {
  const start = histogramBuckets(before, name, filter);
  const buckets = new Map<number, number>();
  for (const [bound, count] of histogramBuckets(after, name, filter)) {
    buckets.set(bound, count - (start.get(bound) ?? 0));
  }
  return {
    count: sumOf(after, `${name}_count`, filter) - sumOf(before, `${name}_count`, filter),
    sum: sumOf(after, `${name}_sum`, filter) - sumOf(before, `${name}_sum`, filter),
    buckets,
  };
}

/**
 * The quantile of a histogram's observations by linear interpolation inside the bucket it falls in; the answer is
 * only as fine as the buckets. Falls in the +Inf bucket: the highest finite bound.
 */
export function histogramQuantile(fraction: number, buckets: ReadonlyMap<number, number>): number {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Number.POSITIVE_INFINITY) ?? buckets.get(bounds[bounds.length - 1] ?? 0) ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = fraction * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound) ?? 0;
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}
