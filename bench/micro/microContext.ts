import type { TrackOpsClient } from '../../api/client.ts';
import type { Config } from '../../config.ts';
import type { Progress } from '../progress.ts';

/** What every micro-benchmark gets: the system's URL and a client, the configuration the system shares. */
export interface MicroContext {
  readonly url: string;
  /** The key `client` sends, for benchmarks that make clients of their own. */
  readonly apiKey: string | undefined;
  readonly client: TrackOpsClient;
  /** Read from the same environment as the system (database, Redis, Kafka prefix, decline limit). */
  readonly config: Config;
  readonly kafkaPort: number;
  readonly declineAboveCents: number;
  readonly progress: Progress;
  readonly log: (line: string) => void;
}

export interface MicroBenchmark {
  readonly name: string;
  readonly description: string;
  run(context: MicroContext): Promise<import('./microResult.ts').MicroResult>;
}
