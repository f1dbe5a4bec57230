import { router } from '../trpc.ts';
import { healthRouter } from './health.ts';
import { ordersRouter } from './orders.ts';

export const appRouter = router({
  orders: ordersRouter,
  health: healthRouter,
});

/** The whole API's type: import it (type-only) and a tRPC client is fully typed, with no code generation. */
export type AppRouter = typeof appRouter;
