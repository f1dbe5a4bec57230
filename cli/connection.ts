import { type Command, Option } from 'commander';
import { createTrackOpsClient, type TrackOpsClient } from '../api/client.ts';
import { ADMIN_KEY_FILE, readAdminKeyFile } from './adminKeyFile.ts';
import { CliFailure, EXIT } from './exitCodes.ts';

/** The global options that say which TrackOps to talk to, and how to authenticate; every command reads them. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface ConnectionOptions {
  url: string;
  apiKey?: string;
}

export const API_KEY_HELP = `API key (sent as "Authorization: Bearer <key>"):
  --api-key <key>, else TRACKOPS_API_KEY, else ./${ADMIN_KEY_FILE} in the current directory
  (the admin key \`npm start\` writes there when TRACKOPS_ADMIN_KEY is not set).
  An empty TRACKOPS_API_KEY sends no key.`;

export function addConnectionOptions(program: Command): Command {
  return program
    .addOption(new Option('--url <url>', 'TrackOps API base URL').env('TRACKOPS_URL').default(DEFAULT_URL))
    .addOption(
      new Option(
        '--api-key <key>',
        `API key, sent as "Authorization: Bearer <key>" (default: ./${ADMIN_KEY_FILE} if it exists)`,
      ).env('TRACKOPS_API_KEY'),
    );
}

/**
 * The key to send: `--api-key`, else TRACKOPS_API_KEY, else `.trackops/admin.key` in `directory` when it exists;
 * an empty value (`TRACKOPS_API_KEY=`) means no key.
 */
export function resolveApiKey(
  given: string | undefined,
  directory: string = process.cwd(),
): string | undefined {
  if (given !== undefined) return given === '' ? undefined : given;
  try {
    return readAdminKeyFile(directory);
  } catch (error) {
    throw new CliFailure(error instanceof Error ? error.message : String(error), EXIT.usage);
  }
}

/** The typed client for the program's `--url` and API key (call it in an action, after parsing). */
export function connect(program: Command): TrackOpsClient {
  const { url, apiKey } = program.opts<ConnectionOptions>();
  const key = resolveApiKey(apiKey);
  return createTrackOpsClient(url, key ? { apiKey: key } : {});
}
