import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerPaths } from './brokerPaths.ts';
import { readOrCreateClusterId, rememberClusterIdOf } from './readOrCreateClusterId.ts';
import { runAsync } from './runCommand.ts';

/** Formats the data dir once; the cluster id stays stable because a formatted dir rejects any other id. */
export async function formatStorageOnce(paths: BrokerPaths): Promise<void> {
  const metaProperties = join(paths.data, 'meta.properties');
  if (existsSync(metaProperties)) {
    if (!existsSync(paths.clusterIdFile)) rememberClusterIdOf(metaProperties, paths);
    return;
  }
  const clusterId = readOrCreateClusterId(paths);
  const args = ['-Xmx256M', `-Dlog4j2.configurationFile=${paths.log4j}`, '-cp', join(paths.lib, '*')];
  const format = [
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    '-t',
    clusterId,
    '-c',
    paths.properties,
  ];
  const result = await runAsync('java', [...args, ...format], paths.projectDir);
  if (result.code !== 0) throw new Error(`kafka: formatting ${paths.data} failed:\n${result.output.trim()}`);
}
