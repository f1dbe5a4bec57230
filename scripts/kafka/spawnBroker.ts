import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerPaths } from './brokerPaths.ts';

// What kafka-server-start.sh would pass, with a heap sized for a 2-core development machine.
const JVM_OPTIONS = [
  '-Xms512m',
  '-Xmx512m',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

export function spawnBroker(paths: BrokerPaths) {
  mkdirSync(paths.logs, { recursive: true });
  const logFd = openSync(paths.brokerLog, 'a');
  try {
    const logging = [`-Dkafka.logs.dir=${paths.logs}`, `-Dlog4j2.configurationFile=${paths.log4j}`];
    const args = [...JVM_OPTIONS, ...logging, '-cp', join(paths.lib, '*'), 'kafka.Kafka', paths.properties];
    // Detached with its output in a file: the broker outlives this process (`infra up`, test runs).
    const child = spawn('java', args, {
      cwd: paths.projectDir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    child.on('error', () => {}); // surfaces as an early exit in waitUntilReady
    child.unref();
    return child;
  } finally {
    closeSync(logFd);
  }
}
