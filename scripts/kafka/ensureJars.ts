import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerPaths } from './brokerPaths.ts';
import { JAVA_INSTALL } from './requireJava17.ts';
import { runAsync, runSync } from './runCommand.ts';

/** Fetches the broker jars when they are missing or the pom changed; the marker records which pom they match. */
export async function ensureJars(paths: BrokerPaths): Promise<void> {
  const pomHash = createHash('sha256').update(readFileSync(paths.pom)).digest('hex');
  if (existsSync(paths.libMarker) && readFileSync(paths.libMarker, 'utf8').trim() === pomHash) return;
  if (runSync('mvn', ['-v']).code !== 0) {
    throw new Error(
      `kafka: Maven is needed once to fetch the broker jars, but \`mvn\` was not found. Install it with:\n  ${JAVA_INSTALL}`,
    );
  }
  console.error('kafka: fetching the broker jars with Maven into .kafka/lib (first run or pom change)');
  // Download next to the target and swap it in, so an interrupted download never looks complete.
  const staging = `${paths.lib}.download-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const args = ['-B', '-q', '-f', paths.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`];
  const result = await runAsync('mvn', [...args, '-DincludeScope=runtime'], paths.projectDir);
  if (result.code !== 0)
    throw new Error(`kafka: mvn could not fetch the broker jars:\n${result.output.trim()}`);
  writeFileSync(join(staging, '.pom.sha256'), `${pomHash}\n`);
  rmSync(paths.lib, { recursive: true, force: true });
  renameSync(staging, paths.lib);
}
