import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The machine and versions a result was measured on, recorded beside it (bench/README.md quotes it). */
const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args);
    return (stdout || stderr).split('\n')[0]?.trim() ?? '';
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    return stderr?.split('\n')[0]?.trim() || 'not found';
  }
}

async function kafkaVersion(): Promise<string> {
  try {
    const jar = (await readdir(join(ROOT, '.kafka', 'lib'))).find((name) =>
      /^kafka_[\d.]+-[\d.]+\.jar$/.test(name),
    );
    return jar?.replace(/^kafka_[\d.]+-/, '').replace(/\.jar$/, '') ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface MachineDescription {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly versions: Record<string, string>;
  /** The PostgreSQL settings that move the numbers (autovacuum was off on some machines: ADR 0007, round 4). */
  readonly postgresSettings: string;
}

/** `name=value` pairs of the server's settings that matter here, or why they could not be read. */
function postgresSettings(databaseUrl: string): Promise<string> {
  return firstLine('psql', [
    databaseUrl,
    '-Atc',
    `select string_agg(name || '=' || current_setting(name), ' ' order by name) from pg_settings
      where name in ('autovacuum', 'fsync', 'synchronous_commit', 'shared_buffers', 'max_connections')`,
  ]);
}

export async function describeMachine(databaseUrl: string): Promise<MachineDescription> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const cpuModel = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const [postgres, redis, nats, java, kafka, settings] = await Promise.all([
    firstLine('psql', ['--version']),
    firstLine('redis-server', ['--version']),
    firstLine('nats-server', ['--version']),
    firstLine('java', ['-version']),
    kafkaVersion(),
    postgresSettings(databaseUrl),
  ]);
  return {
    cpuModel,
    cpus: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
    versions: { node: process.version, postgres, redis, nats, java, kafka },
    postgresSettings: settings,
  };
}
