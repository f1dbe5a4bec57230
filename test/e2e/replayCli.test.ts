import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sagaRoutes } from '../../bridge/kafka/routes/sagaRoutes.ts';
import { EXIT } from '../../cli/exitCodes.ts';
import { produce } from '../support/kafkaRecords.ts';
import { waitForRouterCaughtUp } from '../support/routerLag.ts';
import { orderFor, settledOrder, stockedSku } from '../support/sagaFixtures.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { runTrackops } from '../support/trackopsCli.ts';

/** The real `trackops replay` against a running system: summary as a table or JSON, progress, exit codes. */
let sut: TestSystem;
let orderId = '';
let from = '';

const ROUTED = [...sagaRoutes().map((route) => route.topic), 'shipment.events'];

beforeAll(async () => {
  sut = await startTestSystem();
  await waitForRouterCaughtUp(sut, ROUTED, 60_000);
  from = new Date().toISOString();
  const sku = await stockedSku(sut.client, 10, 'RPLCLI');
  ({ id: orderId } = await sut.client.orders.create.mutate(orderFor([{ sku, quantity: 1 }])));
  await settledOrder(sut.client, orderId, ['CONFIRMED']);
  await waitForRouterCaughtUp(sut, ROUTED);
});

afterAll(async () => {
  await sut?.stop();
});

const trackops = (...args: string[]) => runTrackops(sut.trackops.url, args);

describe('trackops replay', () => {
  it('prints the summary as JSON: the order’s records are already applied, others are skipped by key', async () => {
    const result = await trackops(
      'replay',
      '--topic',
      'order.created,payment.charge',
      '--from',
      from,
      '--key',
      orderId,
      '--json',
    );
    expect(result.code, result.stderr).toBe(EXIT.ok);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      applied: 0,
      alreadyApplied: 2,
      failed: 0,
      dryRun: false,
      aborted: false,
    });
    expect(summary.read).toBe(summary.total);
    expect(summary.skipped).toBe(summary.skippedBy.otherKey);
  });

  it('prints a table by default, and a dry run with a read-model rebuild says what it would do', async () => {
    const result = await trackops(
      'replay',
      '--topic',
      'order.created',
      '--from',
      from,
      '--key',
      orderId,
      '--dry-run',
      '--rebuild-read-models',
      '--rate',
      '50',
    );
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^mode +dry run/m);
    expect(result.stdout).toMatch(/^would apply +0$/m);
    expect(result.stdout).toMatch(/^already applied +1$/m);
    expect(result.stdout).toMatch(/^read models +1 orders would be rebuilt$/m);
  });

  it('exits with the incomplete code when a record failed and was parked on its DLQ', async () => {
    const key = crypto.randomUUID();
    const since = new Date().toISOString();
    await produce(sut.brokers, sut.topic('shipment.events'), [{ key, value: '{not json' }]);
    const result = await trackops(
      'replay',
      '--topic',
      'shipment.events',
      '--from',
      since,
      '--key',
      key,
      '--json',
    );
    expect(result.code, result.stderr).toBe(EXIT.incomplete);
    expect(JSON.parse(result.stdout)).toMatchObject({ failed: 1, applied: 0, alreadyApplied: 0 });
  });

  it('exits with the bad-input code for a position that is neither a time nor an offset (checked before sending)', async () => {
    const result = await trackops('replay', '--topic', 'order.created', '--from', 'yesterday');
    expect(result.code).toBe(EXIT.badInput);
    expect(result.stderr).toContain('yesterday is neither an ISO 8601 time nor a non-negative offset');
  });

  it('exits with the bad-input code when the API refuses the request (unknown topic, from after to)', async () => {
    const unknown = await trackops('replay', '--topic', 'order.nope', '--from', '0');
    expect(unknown.code).toBe(EXIT.badInput);
    expect(unknown.stderr).toContain('BAD_REQUEST');
    expect(unknown.stderr).toContain('unknown topic order.nope');
    const backwards = await trackops('replay', '--topic', 'order.created', '--from', '10', '--to', '5');
    expect(backwards.code).toBe(EXIT.badInput);
    expect(backwards.stderr).toContain('from is after to');
  });

  it('exits with the usage code for a missing --from or a rate that is not a positive number', async () => {
    expect((await trackops('replay', '--topic', 'order.created')).code).toBe(EXIT.usage);
    expect((await trackops('replay', '--topic', 'order.created', '--from', '0', '--rate', '0')).code).toBe(
      EXIT.usage,
    );
  });
});
