/** What a micro-benchmark reports: one line per case, with a rate and/or latency percentiles. */
export interface MicroLine {
  readonly label: string;
  readonly count: number;
  readonly ratePerSecond?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly note?: string;
}

export interface MicroResult {
  readonly name: string;
  readonly lines: MicroLine[];
  /** Anything else worth keeping in the JSON (metric increases, settings). */
  readonly details?: Record<string, unknown>;
}
