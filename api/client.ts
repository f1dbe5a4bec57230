import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from './routers/appRouter.ts';

/**
 * The typed TrackOps client used by the CLI, the visualizer and examples: `createTrackOpsClient('http://127.0.0.1:3000')`.
 * Errors arrive as TRPCClientError with `data.code` (tRPC) and `data.trackops.code` (TrackOps).
 */
export function createTrackOpsClient(baseUrl: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${baseUrl.replace(/\/$/, '')}/trpc` })],
  });
}

export type TrackOpsClient = ReturnType<typeof createTrackOpsClient>;
export type { AppRouter };
