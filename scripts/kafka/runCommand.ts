import { spawn, spawnSync } from 'node:child_process';

/** A command that cannot be run at all reports code -1, so callers handle one shape of failure. */
export interface CommandResult {
  code: number;
  output: string;
}

export function runSync(command: string, args: string[]): CommandResult {
  const { status, stdout, stderr, error } = spawnSync(command, args, { encoding: 'utf8' });
  if (error) return { code: -1, output: error.message };
  return { code: status ?? -1, output: `${stdout}${stderr}` };
}

/** Asynchronous so that a long Maven download or storage format does not block the event loop. */
export function runAsync(command: string, args: string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolvePromise({ code: -1, output: error.message }));
    child.on('close', (code) => resolvePromise({ code: code ?? -1, output }));
  });
}
