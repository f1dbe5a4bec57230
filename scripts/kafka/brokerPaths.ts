import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Everything the broker keeps under `.kafka/` (git-ignored), and the checked-in sources it is built from. */
export function brokerPaths(projectDir: string) {
  const home = join(projectDir, '.kafka');
  return {
    projectDir,
    home,
    lib: join(home, 'lib'),
    libMarker: join(home, 'lib', '.pom.sha256'),
    data: join(home, 'data'),
    logs: join(home, 'logs'),
    brokerLog: join(home, 'logs', 'broker.log'),
    properties: join(home, 'server.properties'),
    pidFile: join(home, 'broker.pid'),
    startLock: join(home, 'start.lock'),
    clusterIdFile: join(home, 'cluster-id'),
    pom: join(projectDir, 'scripts', 'kafka', 'pom.xml'),
    template: join(projectDir, 'scripts', 'kafka', 'server.properties'),
    log4j: join(projectDir, 'scripts', 'kafka', 'log4j2.properties'),
  };
}
export type BrokerPaths = ReturnType<typeof brokerPaths>;
