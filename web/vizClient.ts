import type { inferRouterOutputs } from '@trpc/server';
import { type AppRouter, createTrackOpsClient, type TrackOpsClient } from '../api/client.ts';

/** The page's one typed client (same origin as the page), and the API shapes the page's modules read. */
export function createVizClient(): TrackOpsClient {
  return createTrackOpsClient(location.origin);
}

type Outputs = inferRouterOutputs<AppRouter>;

export type { TrackOpsClient };
export type ActorSummary = Outputs['actors']['list'][number];
export type ActorInspection = Outputs['actors']['inspect'];
export type JournalEntry = Outputs['actors']['journal'][number];
export type ActorAtVersion = Outputs['actors']['at'];
export type MachineSummary = Outputs['machines']['list'][number];
export type MachineGraph = Outputs['machines']['graph'];
/** One update of `actors.watch`: the current state first, then one per committed turn. */
export type ActorUpdate = Outputs['actors']['watch'] extends AsyncIterable<infer Update> ? Update : never;
