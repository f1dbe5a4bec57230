import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { type FetchLike, EventSource as NodeEventSource } from 'eventsource';
import type { AppRouter } from './routers/appRouter.ts';

export interface TrackOpsClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>` on every request. */
  apiKey?: string;
}

/**
 * The typed TrackOps client used by the CLI, the visualizer and examples: `createTrackOpsClient('http://127.0.0.1:3000')`.
 * Queries and mutations are batched over HTTP; subscriptions (`orders.track`) stream over Server-Sent Events.
 * Errors arrive as TRPCClientError with `data.code` (tRPC) and `data.trackops.code` (TrackOps).
 * With an `apiKey`, every request carries `Authorization: Bearer <apiKey>`. A browser's EventSource cannot set
 * headers, so subscriptions then use the `eventsource` package (fetch-based, in browsers too) with a fetch that
 * adds the header.
 */
export function createTrackOpsClient(baseUrl: string, options: TrackOpsClientOptions = {}) {
  const url = `${baseUrl.replace(/\/$/, '')}/trpc`;
  const authorization = options.apiKey ? `Bearer ${options.apiKey}` : undefined;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === 'subscription',
        true: authorization
          ? httpSubscriptionLink({
              url,
              EventSource: NodeEventSource,
              eventSourceOptions: { fetch: fetchWithAuthorization(authorization) },
            })
          : // Browsers have EventSource; Node 20 does not, so the package's implementation stands in.
            httpSubscriptionLink({ url, EventSource: globalThis.EventSource ?? NodeEventSource }),
        false: splitLink({
          // A long poll gets a request of its own: in a batch, every other call would wait for its answer.
          condition: (operation) => LONG_POLLS.has(operation.path),
          true: httpLink({ url, ...(authorization ? { headers: { authorization } } : {}) }),
          // Batched queries travel in the URL: keep it under what HTTP servers accept (Node's header limit is 16 KiB).
          false: httpBatchLink({
            url,
            maxURLLength: 4000,
            ...(authorization ? { headers: { authorization } } : {}),
          }),
        }),
      }),
    ],
  });
}

/** Procedures that hold their request open until something happens. */
const LONG_POLLS: ReadonlySet<string> = new Set(['orders.awaitStatus']);

function fetchWithAuthorization(authorization: string): FetchLike {
  return (input, init) => fetch(input, { ...init, headers: { ...init.headers, authorization } });
}

export type TrackOpsClient = ReturnType<typeof createTrackOpsClient>;
export type { AppRouter };
