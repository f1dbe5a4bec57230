import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource as NodeEventSource } from 'eventsource';
import type { AppRouter } from './routers/appRouter.ts';

/**
 * The typed TrackOps client used by the CLI, the visualizer and examples: `createTrackOpsClient('http://127.0.0.1:3000')`.
 * Queries and mutations are batched over HTTP; subscriptions (`orders.track`) stream over Server-Sent Events.
 * Errors arrive as TRPCClientError with `data.code` (tRPC) and `data.trackops.code` (TrackOps).
 */
export function createTrackOpsClient(baseUrl: string) {
  const url = `${baseUrl.replace(/\/$/, '')}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === 'subscription',
        // Browsers have EventSource; Node 20 does not, so the package's implementation stands in.
        true: httpSubscriptionLink({ url, EventSource: globalThis.EventSource ?? NodeEventSource }),
        // Batched queries travel in the URL: keep it under what HTTP servers accept (Node's header limit is 16 KiB).
        false: httpBatchLink({ url, maxURLLength: 4000 }),
      }),
    ],
  });
}

export type TrackOpsClient = ReturnType<typeof createTrackOpsClient>;
export type { AppRouter };
