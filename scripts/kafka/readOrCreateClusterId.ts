import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BrokerPaths } from './brokerPaths.ts';

/** Kept in `.kafka/cluster-id` so that a re-format after losing the data dir reuses the same id. */
export function readOrCreateClusterId(paths: BrokerPaths): string {
  if (existsSync(paths.clusterIdFile)) return readFileSync(paths.clusterIdFile, 'utf8').trim();
  let clusterId = randomBytes(16).toString('base64url');
  // A leading '-' would be parsed as an option by the storage tool.
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  writeFileSync(paths.clusterIdFile, `${clusterId}\n`);
  return clusterId;
}

/** A data dir formatted before the id file existed (or after it was deleted) is the source of truth. */
export function rememberClusterIdOf(metaProperties: string, paths: BrokerPaths): void {
  const clusterId = /^cluster\.id=(.+)$/m.exec(readFileSync(metaProperties, 'utf8'))?.[1]?.trim();
  if (clusterId) writeFileSync(paths.clusterIdFile, `${clusterId}\n`);
}
