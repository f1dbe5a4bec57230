import { activation } from './activation.ts';
import { hotActor } from './hotActor.ts';
import { kafkaRouter } from './kafkaRouter.ts';
import type { MicroBenchmark } from './microContext.ts';
import { outboxRelay } from './outboxRelay.ts';
import { roundTrip } from './roundTrip.ts';
import { waitMethods } from './waitMethods.ts';

/** Every micro-benchmark, in the order they run; `--only <name>` picks by these names. */
export const MICRO_BENCHMARKS: readonly MicroBenchmark[] = [
  roundTrip,
  activation,
  outboxRelay,
  kafkaRouter,
  hotActor,
  waitMethods,
];
