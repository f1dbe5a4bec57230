import { scrapeMetrics } from './metricsScrape.ts';
import { sumOf } from './prometheus.ts';

/**
 * Each runtime node's resident memory and used heap, from its /metrics, every `intervalMs` during a run, so the
 * report can show whether memory stays flat (issue 6: it must, over a 5,000-order run).
 */
export interface MemoryPoint {
  readonly atSeconds: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export interface NodeMemory {
  readonly url: string;
  readonly points: MemoryPoint[];
}

export interface MemorySummary {
  readonly url: string;
  readonly samples: number;
  readonly rssStartMb: number;
  readonly rssMaxMb: number;
  readonly rssEndMb: number;
  readonly heapStartMb: number;
  readonly heapMaxMb: number;
  readonly heapEndMb: number;
  /** Every sample, in MB, so a trend (a leak) shows and not only the extremes. */
  readonly series: { atSeconds: number; rssMb: number; heapMb: number }[];
}

export function startMemorySampling(nodeUrls: readonly string[], intervalMs = 2_000) {
  const startedAt = performance.now();
  const nodes: NodeMemory[] = nodeUrls.map((url) => ({ url, points: [] }));
  const sample = async () => {
    await Promise.all(
      nodes.map(async (node) => {
        try {
          const samples = await scrapeMetrics(node.url);
          node.points.push({
            atSeconds: (performance.now() - startedAt) / 1000,
            rssBytes: sumOf(samples, 'trackops_process_resident_memory_bytes'),
            heapUsedBytes: sumOf(samples, 'trackops_nodejs_heap_size_used_bytes'),
          });
        } catch {
          // A scrape that times out under load is a gap in the series, not a failed run.
        }
      }),
    );
  };
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  return {
    async stop(): Promise<NodeMemory[]> {
      clearInterval(timer);
      await sample();
      return nodes;
    },
  };
}

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

export function summarizeMemory(node: NodeMemory): MemorySummary {
  const { points } = node;
  const first = points[0];
  const last = points[points.length - 1];
  return {
    url: node.url,
    samples: points.length,
    rssStartMb: mb(first?.rssBytes ?? Number.NaN),
    rssMaxMb: mb(Math.max(...points.map((point) => point.rssBytes))),
    rssEndMb: mb(last?.rssBytes ?? Number.NaN),
    heapStartMb: mb(first?.heapUsedBytes ?? Number.NaN),
    heapMaxMb: mb(Math.max(...points.map((point) => point.heapUsedBytes))),
    heapEndMb: mb(last?.heapUsedBytes ?? Number.NaN),
    series: points.map((point) => ({
      atSeconds: Math.round(point.atSeconds),
      rssMb: mb(point.rssBytes),
      heapMb: mb(point.heapUsedBytes),
    })),
  };
}
