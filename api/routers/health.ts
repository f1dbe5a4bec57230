import { healthReport } from '../readiness.ts';
import { publicProcedure, router } from '../trpc.ts';

export const healthRouter = router({
  live: publicProcedure.query(() => ({ status: 'ok' as const })),
  ready: publicProcedure.query(({ ctx }) => healthReport(ctx.deps)),
});
