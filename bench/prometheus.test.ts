import { describe, expect, it } from 'vitest';
import { histogramIncrease, histogramQuantile, parsePrometheusText, sumOf } from './prometheus.ts';

const scrape = (count: number, fast: number) => `
# HELP trackops_turn_duration_seconds turns
# TYPE trackops_turn_duration_seconds histogram
trackops_turn_duration_seconds_bucket{le="0.01",actor_type="order",node="n1"} ${fast}
trackops_turn_duration_seconds_bucket{le="0.1",actor_type="order",node="n1"} ${count}
trackops_turn_duration_seconds_bucket{le="+Inf",actor_type="order",node="n1"} ${count}
trackops_turn_duration_seconds_sum{actor_type="order",node="n1"} ${count * 0.02}
trackops_turn_duration_seconds_count{actor_type="order",node="n1"} ${count}
trackops_process_resident_memory_bytes{node="n1"} 1.5e+8
trackops_router_records_total{topic="shipment.events",outcome="persisted",node="n1"} 7
trackops_router_records_total{topic="order.created",outcome="persisted",node="n1"} 3
`;

describe('Prometheus text', () => {
  it('reads samples with labels and exponent values', () => {
    const samples = parsePrometheusText(scrape(10, 5));
    expect(sumOf(samples, 'trackops_process_resident_memory_bytes')).toBe(150_000_000);
    expect(sumOf(samples, 'trackops_router_records_total')).toBe(10);
    expect(sumOf(samples, 'trackops_router_records_total', { topic: 'shipment.events' })).toBe(7);
  });

  it('reads escaped label values', () => {
    const [sample] = parsePrometheusText('m{reason="a \\"b\\""} 1');
    expect(sample?.labels['reason']).toBe('a "b"');
  });

  it('takes the increase of a histogram between two scrapes and its quantiles', () => {
    const increase = histogramIncrease(
      parsePrometheusText(scrape(10, 5)),
      parsePrometheusText(scrape(110, 55)),
      'trackops_turn_duration_seconds',
      { actor_type: 'order' },
    );
    expect(increase.count).toBe(100);
    expect(increase.sum).toBeCloseTo(2);
    // 50 of the 100 new observations are under 10 ms: the median is at the top of the first bucket.
    expect(histogramQuantile(0.5, increase.buckets)).toBeCloseTo(0.01);
    // The 99th is 49/50 of the way through the 10-100 ms bucket.
    expect(histogramQuantile(0.99, increase.buckets)).toBeCloseTo(0.01 + 0.09 * (49 / 50));
  });

  it('answers NaN for an empty histogram', () => {
    expect(histogramQuantile(0.5, new Map())).toBeNaN();
  });
});
