import { TRPCClientError } from '@trpc/client';

/**
 * The CLI's exit codes, documented in the README; scripts branch on these, never on messages.
 *
 * | code | name        | when |
 * | ---- | ----------- | ---- |
 * | 0    | ok          | done (also `--help` and `--version`) |
 * | 1    | failure     | unexpected: a bug, or the server's INTERNAL_SERVER_ERROR |
 * | 2    | usage       | unknown command or option, missing argument, malformed option value (`--limit x`, `--stuck-for 5`), `dlq redrive` without exactly one of `--id`/`--topic` |
 * | 3    | notFound    | the order, actor, dead letter or journal version does not exist (NOT_FOUND) |
 * | 4    | conflict    | the actor's state does not accept the event (COMMAND_REJECTED), or a concurrent writer (CONFLICT) |
 * | 5    | badInput    | the API refused the input (BAD_REQUEST: unknown actor type or machine, malformed id), or `<event-json>` is not a JSON object with a `type` (checked before any request) |
 * | 6    | unavailable | cannot reach TrackOps (refused, wrong URL, not a TrackOps API), not ready (`health`), timed out, or no node hosts the actor |
 * | 7    | unauthorized| the API refused the API key: missing, unknown or revoked (UNAUTHORIZED), or its role may not do this (FORBIDDEN) |
 * | 8    | incomplete  | the command ran but part of it failed: a `dlq redrive` where some failed again, a replay that parked records |
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  badInput: 5,
  unavailable: 6,
  unauthorized: 7,
  incomplete: 8,
} as const;

/** The short form of the table above, printed at the end of `trackops --help`. */
export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  unexpected failure
  2  usage error (unknown command or option, malformed option value)
  3  not found
  4  conflict (the actor's state does not accept the event)
  5  bad input (refused by the API, or <event-json> that is not an object with a "type")
  6  unavailable (cannot reach TrackOps, not ready, timed out)
  7  unauthorized (API key missing, unknown or revoked, or its role may not do this)
  8  incomplete (some dead letters failed their redrive again, or a replay parked records)`;

const EXIT_OF_TRPC_CODE: Record<string, number> = {
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  PRECONDITION_FAILED: EXIT.conflict,
  BAD_REQUEST: EXIT.badInput,
  PARSE_ERROR: EXIT.badInput,
  UNPROCESSABLE_CONTENT: EXIT.badInput,
  PAYLOAD_TOO_LARGE: EXIT.badInput,
  SERVICE_UNAVAILABLE: EXIT.unavailable,
  TIMEOUT: EXIT.unavailable,
  TOO_MANY_REQUESTS: EXIT.unavailable,
  UNAUTHORIZED: EXIT.unauthorized,
  FORBIDDEN: EXIT.unauthorized,
};

/** What to do about a refused key; the server's message does not say, so as not to help a guesser. */
const HINT_OF_TRPC_CODE: Record<string, string> = {
  UNAUTHORIZED:
    ' (give a valid key: --api-key, TRACKOPS_API_KEY or .trackops/admin.key; see trackops --help)',
  FORBIDDEN: " (this key's role may not do this)",
};

/** A failure with its own exit code (cli/main.ts returns it as is). */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface ErrorData {
  code?: string;
  issues?: { path: (string | number)[]; message: string }[] | null;
}

/** Maps a failure of the typed client to an exit code and a one-line message for stderr. */
export function describeFailure(error: unknown): { exitCode: number; message: string } {
  if (error instanceof CliFailure) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof TRPCClientError) {
    const data = error.data as ErrorData | undefined;
    if (data?.code) {
      return {
        exitCode: EXIT_OF_TRPC_CODE[data.code] ?? EXIT.failure,
        message: `${data.code}: ${reasonOf(error.message, data)}${HINT_OF_TRPC_CODE[data.code] ?? ''}`,
      };
    }
    // No tRPC code: the request never got an answer (server down, wrong URL).
    const cause =
      error.cause instanceof Error && error.cause.cause instanceof Error
        ? `: ${error.cause.cause.message}`
        : '';
    return { exitCode: EXIT.unavailable, message: `cannot reach TrackOps: ${error.message}${cause}` };
  }
  return { exitCode: EXIT.failure, message: error instanceof Error ? error.message : String(error) };
}

/** Input errors carry zod's issues; their message is a multi-line JSON dump, so name each issue instead. */
function reasonOf(message: string, data: ErrorData): string {
  if (!data.issues?.length) return message.replace(/\s*\n\s*/g, ' ');
  return data.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
