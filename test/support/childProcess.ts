import { type ChildProcess, spawn } from 'node:child_process';
import type { BootstrapOptions } from '../../main.ts';

/** Starts test/support/childRuntime.ts and resolves with the process and its API URL once it is up. */
export function startChildRuntime(
  options: { bootstrap?: BootstrapOptions; env?: Record<string, string> } = {},
): Promise<{ child: ChildProcess; url: string }> {
  // Plain node with the tsx loader (no wrapper process), so a SIGKILL hits the node that runs the runtime.
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/support/childRuntime.ts'], {
    env: { ...process.env, ...options.env, TRACKOPS_TEST_OPTIONS: JSON.stringify(options.bootstrap ?? {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const ready = /ready (\S+)/.exec(chunk.toString());
      if (ready?.[1]) resolve({ child, url: ready[1] });
    });
    child.once('exit', (code, signal) => reject(new Error(`child runtime exited early (${code ?? signal})`)));
  });
}

export function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

/** The child's heap in use right after a full garbage collection, in bytes. */
export function heapAfterCollection(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const heap = /heap (\d+)/.exec(chunk.toString());
      if (!heap?.[1]) return;
      child.stdout?.off('data', onData);
      resolve(Number(heap[1]));
    };
    child.stdout?.on('data', onData);
    if (!child.kill('SIGUSR2')) reject(new Error('the child runtime is not running'));
  });
}
