import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_ADMIN_KEY } from './testConfig.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `trackops` binary (cli/trackops.mjs) with `args`, against `url` unless the args give their own
 * `--url`. TRACKOPS_URL is cleared and TRACKOPS_API_KEY is the test admin key, so the caller's environment never
 * leaks in; `env` adds to it (`TRACKOPS_API_KEY: ''` runs it without a key).
 */
export async function runTrackops(
  url: string | undefined,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const { TRACKOPS_URL: _url, TRACKOPS_API_KEY: _key, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['cli/trackops.mjs', ...(url === undefined ? [] : ['--url', url]), ...args],
      { env: { ...inherited, TRACKOPS_API_KEY: TEST_ADMIN_KEY, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: unknown; stdout: string; stderr: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
