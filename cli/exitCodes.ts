import { TRPCClientError } from '@trpc/client';

/** The CLI's exit codes, documented in the README; scripts branch on these, never on messages. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  badInput: 5,
  unavailable: 6,
} as const;

const EXIT_OF_TRPC_CODE: Record<string, number> = {
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  BAD_REQUEST: EXIT.badInput,
  PAYLOAD_TOO_LARGE: EXIT.badInput,
  SERVICE_UNAVAILABLE: EXIT.unavailable,
  TIMEOUT: EXIT.unavailable,
};

/** Maps a failure of the typed client to an exit code and a one-line message for stderr. */
export function describeFailure(error: unknown): { exitCode: number; message: string } {
  if (error instanceof TRPCClientError) {
    const code = (error.data as { code?: string } | undefined)?.code;
    if (code)
      return { exitCode: EXIT_OF_TRPC_CODE[code] ?? EXIT.failure, message: `${code}: ${error.message}` };
    // No tRPC code: the request never got an answer (server down, wrong URL).
    return { exitCode: EXIT.unavailable, message: `cannot reach TrackOps: ${error.message}` };
  }
  return { exitCode: EXIT.failure, message: error instanceof Error ? error.message : String(error) };
}
