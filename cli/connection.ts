import { type Command, Option } from 'commander';
import { createTrackOpsClient, type TrackOpsClient } from '../api/client.ts';

/** The global options that say which TrackOps to talk to, and how to authenticate; every command reads them. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface ConnectionOptions {
  url: string;
  apiKey?: string;
}

export function addConnectionOptions(program: Command): Command {
  return program
    .addOption(new Option('--url <url>', 'TrackOps API base URL').env('TRACKOPS_URL').default(DEFAULT_URL))
    .addOption(
      new Option('--api-key <key>', 'API key, sent as "Authorization: Bearer <key>"').env('TRACKOPS_API_KEY'),
    );
}

/** The typed client for the program's `--url` and `--api-key` (call it in an action, after parsing). */
export function connect(program: Command): TrackOpsClient {
  const { url, apiKey } = program.opts<ConnectionOptions>();
  return createTrackOpsClient(url, apiKey ? { apiKey } : {});
}
