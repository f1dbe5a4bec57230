import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { CliFailure, describeFailure, EXIT } from './exitCodes.ts';

function apiError(code: string, message: string, issues: unknown = null) {
  return TRPCClientError.from({ error: { code: -32000, message, data: { code, issues } } });
}

describe('describeFailure', () => {
  it('maps tRPC codes to exit codes', () => {
    const cases = [
      ['NOT_FOUND', EXIT.notFound],
      ['CONFLICT', EXIT.conflict],
      ['BAD_REQUEST', EXIT.badInput],
      ['SERVICE_UNAVAILABLE', EXIT.unavailable],
      ['TIMEOUT', EXIT.unavailable],
      ['INTERNAL_SERVER_ERROR', EXIT.failure],
    ] as const;
    for (const [code, exitCode] of cases) {
      expect(describeFailure(apiError(code, 'why')), code).toEqual({ exitCode, message: `${code}: why` });
    }
  });

  it('maps a refused key to 7, saying what to do about it', () => {
    expect(describeFailure(apiError('UNAUTHORIZED', 'missing or invalid API key'))).toEqual({
      exitCode: EXIT.unauthorized,
      message:
        'UNAUTHORIZED: missing or invalid API key (give a valid key: --api-key, TRACKOPS_API_KEY or .trackops/admin.key; see trackops --help)',
    });
    expect(describeFailure(apiError('FORBIDDEN', 'admin only'))).toEqual({
      exitCode: EXIT.unauthorized,
      message: "FORBIDDEN: admin only (this key's role may not do this)",
    });
  });

  it('names each input issue on one line instead of dumping zod JSON', () => {
    const issues = [{ path: ['type'], message: 'unknown actor type; one of order, payment', code: 'custom' }];
    expect(describeFailure(apiError('BAD_REQUEST', '[\n  {\n "code": "custom"\n  }\n]', issues))).toEqual({
      exitCode: EXIT.badInput,
      message: 'BAD_REQUEST: type: unknown actor type; one of order, payment',
    });
  });

  it('treats an error without a tRPC code as an unreachable server', () => {
    const failure = describeFailure(new TRPCClientError('fetch failed'));
    expect(failure.exitCode).toBe(EXIT.unavailable);
    expect(failure.message).toMatch(/^cannot reach TrackOps: fetch failed/);
  });

  it('keeps the exit code of a CliFailure, and 1 for anything else', () => {
    expect(describeFailure(new CliFailure('bad json', EXIT.badInput))).toEqual({
      exitCode: EXIT.badInput,
      message: 'bad json',
    });
    expect(describeFailure(new TypeError('oops'))).toEqual({ exitCode: EXIT.failure, message: 'oops' });
  });
});
