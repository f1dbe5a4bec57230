import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { toDot } from '../../diagrams/dot.ts';
import { type MachineGraph, machineGraphs } from '../../diagrams/machineGraph.ts';
import { toMermaid } from '../../diagrams/mermaid.ts';
import { publicProcedure, router } from '../trpc.ts';

/**
 * The machines as data, generated from their definitions (never drawn by hand): the visualizer lays them out and
 * `trackops machines export` prints them as mermaid, DOT or JSON.
 */
const graphs = machineGraphs();
const NAMES = Object.keys(graphs);

const machineName = z.string().refine((name) => NAMES.includes(name), {
  message: `unknown machine; one of ${NAMES.join(', ')}`,
});

function graphOf(name: string): MachineGraph {
  const graph = graphs[name];
  if (!graph) throw new TRPCError({ code: 'NOT_FOUND', message: `machine ${name} does not exist` });
  return graph;
}

export const EXPORT_FORMATS = ['mermaid', 'dot', 'json'] as const;

export const machinesRouter = router({
  list: publicProcedure.query(() =>
    NAMES.map((name) => ({ name, id: graphOf(name).id, version: graphOf(name).version ?? null })),
  ),

  graph: publicProcedure.input(z.object({ name: machineName })).query(({ input }) => graphOf(input.name)),

  export: publicProcedure
    .input(z.object({ name: machineName, format: z.enum(EXPORT_FORMATS) }))
    .query(({ input }) => {
      const graph = graphOf(input.name);
      if (input.format === 'mermaid') return toMermaid(graph);
      if (input.format === 'dot') return toDot(graph);
      return JSON.stringify(graph, null, 2);
    }),
});
