import { router } from '../trpc.ts';
import { actorsRouter } from './actors.ts';
import { dlqRouter } from './dlq.ts';
import { healthRouter } from './health.ts';
import { inventoryRouter } from './inventory.ts';
import { keysRouter } from './keys.ts';
import { machinesRouter } from './machines.ts';
import { ordersRouter } from './orders.ts';
import { replayRouter } from './replay.ts';

export const appRouter = router({
  orders: ordersRouter,
  health: healthRouter,
  inventory: inventoryRouter,
  dlq: dlqRouter,
  actors: actorsRouter,
  machines: machinesRouter,
  replay: replayRouter,
  keys: keysRouter,
});

/** The whole API's type: import it (type-only) and a tRPC client is fully typed, with no code generation. */
export type AppRouter = typeof appRouter;
