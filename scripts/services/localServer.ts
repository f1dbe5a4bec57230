import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from './service.ts';

/** Like `command -v`, plus the sbin directories a non-root PATH lacks (nats-server lives in /usr/sbin). */
export function findExecutable(name: string): string | undefined {
  const { PATH = '' } = process.env;
  const pathDirectories = PATH.split(':').filter(Boolean);
  for (const directory of [...pathDirectories, '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    try {
      accessSync(join(directory, name), constants.X_OK);
      return join(directory, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function makeDirectories(directories: string[]): void {
  for (const directory of directories) {
    try {
      mkdirSync(directory, { recursive: true });
    } catch {
      // the package created it, or we lack the rights: the server's own error will say which
    }
  }
}

/** The command's own output is the best explanation of why a server did not start. */
export function runOrThrow(service: ServiceName, command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || result.error?.message;
    throw new Error(`${service}: \`${command} ${args.join(' ')}\` failed: ${output}`);
  }
}
