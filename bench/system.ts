import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * The system under test: the one already answering at the URL, or else one started the way README command 1
 * does (`node scripts/start.mjs`, i.e. `npm start`, without npm's extra process), stopped again at the end.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface SystemUnderTest {
  readonly startedByBench: boolean;
  /** Where the started system's output goes. */
  readonly logFile?: string;
  stop(): Promise<void>;
}

export async function isReady(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(3_000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function ensureSystem(
  baseUrl: string,
  options: { logDir: string; readyTimeoutMs?: number; log: (line: string) => void },
): Promise<SystemUnderTest> {
  if (await isReady(baseUrl)) return { startedByBench: false, stop: async () => {} };

  await mkdir(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `system-${new Date().toISOString().replaceAll(':', '-')}.log`);
  const output = createWriteStream(logFile);
  const port = new URL(baseUrl).port || '3000';
  options.log(`no system answers at ${baseUrl}: starting one (node scripts/start.mjs, output in ${logFile})`);
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: port, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(output);
  child.stderr?.pipe(output);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 300_000);
  while (!(await isReady(baseUrl))) {
    if (child.exitCode !== null)
      throw new Error(`the system exited with code ${child.exitCode}; see ${logFile}`);
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      throw new Error(`the system was not ready within the deadline; see ${logFile}`);
    }
    await delay(1_000);
  }
  options.log(`system ready at ${baseUrl}`);
  return { startedByBench: true, logFile, stop: () => stopChild(child, exited) };
}

/** Ctrl-C, as a person would stop `npm start`: it stops the runtime, then the services it started. */
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGINT');
  const stopped = await Promise.race([exited.then(() => true), delay(90_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
}
