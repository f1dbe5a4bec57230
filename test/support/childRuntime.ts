// A TrackOps node in its own process, for tests that kill one for real (SIGKILL: no cleanup, nothing flushed).
// TRACKOPS_TEST_OPTIONS holds its BootstrapOptions as JSON; its extra environment comes from the spawning test.
// CRASH_ON_KEY makes it kill itself right after the actor persisted the record with that key.
import type { BootstrapOptions } from '../../main.ts';
import { bootstrap } from '../../main.ts';
import { testConfig } from './testConfig.ts';

const options = JSON.parse(process.env['TRACKOPS_TEST_OPTIONS'] ?? '{}') as BootstrapOptions;
const crashOnKey = process.env['CRASH_ON_KEY'];
const trackops = await bootstrap(testConfig({ NODE_ID: process.env['NODE_ID'] ?? `child-${process.pid}` }), {
  ...options,
  ...(crashOnKey
    ? {
        afterDelivered: async (record) => {
          if (record.key === crashOnKey) process.kill(process.pid, 'SIGKILL');
        },
      }
    : {}),
});
// Tests of bounded memory read the heap after a full collection (the child runs with --expose-gc), so garbage
// not yet collected does not count.
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(`heap ${process.memoryUsage().heapUsed}\n`);
});
process.stdout.write(`ready ${trackops.url}\n`);
