// A TrackOps node that kills itself (SIGKILL: no cleanup, no offset commit) right after the actor persisted the
// record whose key is CRASH_ON_KEY. Spawned by test/integration/processKill.test.ts.
import { bootstrap } from '../../main.ts';
import { testConfig } from './testConfig.ts';
import { ORDER_ACTOR_ONLY } from './testSystem.ts';

const crashOnKey = process.env['CRASH_ON_KEY'];
const trackops = await bootstrap(testConfig({ NODE_ID: 'crashing-node' }), {
  ...ORDER_ACTOR_ONLY,
  afterDelivered: async (record) => {
    if (record.key === crashOnKey) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write(`ready ${trackops.url}\n`);
