import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackOpsClient } from '../../api/client.ts';
import { EXIT } from '../../cli/exitCodes.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { ORDER_ACTOR_ONLY, startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { runTrackops } from '../support/trackopsCli.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * `trackops actors|dlq|machines`: the real binary against a running system, asserting what an operator reads
 * (tables, sections), what a script parses (`--json`) and the exit codes.
 */
let sut: TestSystem;
const NODE_ID = 'cli-node';
/** Nothing listens on port 1: connecting is refused at once. */
const UNREACHABLE = 'http://127.0.0.1:1';

beforeAll(async () => {
  sut = await startTestSystem({ ...ORDER_ACTOR_ONLY, env: { NODE_ID } });
});

afterAll(async () => {
  await sut?.stop();
});

const trackops = (...args: string[]) => runTrackops(sut.trackops.url, args);

async function placedOrder(): Promise<string> {
  return (await sut.client.orders.create.mutate(validOrderInput())).id;
}

describe('trackops actors ls', () => {
  it('lists actors as a table, as JSON, and filters by state and by how long they have been stuck', async () => {
    const id = await placedOrder();
    const [table, json, confirmed, stuckNow, stuckAnHour] = await Promise.all([
      trackops('actors', 'ls', '--type', 'order', '--state', 'PENDING', '--limit', '500'),
      trackops('actors', 'ls', '--type', 'order', '--json', '--limit', '500'),
      trackops('actors', 'ls', '--type', 'order', '--state', 'CONFIRMED', '--json', '--limit', '500'),
      trackops('actors', 'ls', '--type', 'order', '--stuck-for', '0s', '--json', '--limit', '500'),
      trackops('actors', 'ls', '--type', 'order', '--stuck-for', '1h', '--json', '--limit', '500'),
    ]);
    expect(table.code).toBe(EXIT.ok);
    expect(table.stdout).toMatch(/^TYPE +ID +STATE +STATUS +VERSION +UPDATED\n/);
    expect(table.stdout).toMatch(new RegExp(`order +${id} +PENDING +active +1 `));
    const ids = (result: { stdout: string }) =>
      (JSON.parse(result.stdout) as { id: string }[]).map((a) => a.id);
    expect(ids(json)).toContain(id);
    expect(ids(confirmed)).not.toContain(id);
    expect(ids(stuckNow)).toContain(id);
    expect(ids(stuckAnHour)).not.toContain(id);
  });

  it('refuses a duration without a unit as a usage error, and an unknown type as bad input', async () => {
    const [noUnit, unknownType] = await Promise.all([
      trackops('actors', 'ls', '--stuck-for', '5'),
      trackops('actors', 'ls', '--type', 'spaceship'),
    ]);
    expect(noUnit.code).toBe(EXIT.usage);
    expect(noUnit.stderr).toContain('Expected a duration with a unit');
    expect(unknownType.code).toBe(EXIT.badInput);
    expect(unknownType.stderr).toMatch(/^trackops: BAD_REQUEST: type: unknown actor type; one of order/);
  });
});

describe('trackops actors inspect', () => {
  it('shows the state, version, host node, context, journal and each kind of pending work', async () => {
    const id = await placedOrder();
    await sut.client.orders.updateStatus.mutate({ id, status: 'CONFIRMED' });
    const result = await trackops('actors', 'inspect', 'order', id);
    expect(result.code).toBe(EXIT.ok);
    const text = result.stdout;
    expect(text).toContain(`order ${id}\n`);
    expect(text).toMatch(/state +CONFIRMED \(active\)/);
    expect(text).toMatch(/version +2 \(machine version \d+\)/);
    expect(text).toMatch(new RegExp(`host node +${NODE_ID}`));
    expect(text).toMatch(/updated +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(/);
    expect(text).toContain(`"orderId": "${id}"`);
    expect(text).toMatch(/Pending timers \(\d+\)/);
    expect(text).toContain('Journal (last 2, newest first)');
    expect(text).toMatch(/VERSION +MESSAGE +BEFORE -> AFTER +NODE +DURATION +AT +SENT BY/);
    expect(text).toMatch(new RegExp(`2 +order\\.confirm +PENDING -> CONFIRMED +${NODE_ID} +[\\d.]+ m?s `));
    expect(text).toMatch(new RegExp(`1 +order\\.create +\\(new\\) -> PENDING +${NODE_ID} `));
    expect(text).toMatch(/Unpublished outbox events \(\d+\)/);
    expect(text).toContain('Dead letters (0)');
  });

  it('prints the API answer with --json, and pages further back in the journal with --journal', async () => {
    const id = await placedOrder();
    const [json, short] = await Promise.all([
      trackops('actors', 'inspect', 'order', id, '--json'),
      trackops('actors', 'inspect', 'order', id, '--journal', '1'),
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      type: 'order',
      id,
      state: 'PENDING',
      host: NODE_ID,
      journal: [{ version: 1, messageType: 'order.create' }],
      deadLetters: [],
    });
    expect(short.stdout).toContain('Journal (last 1, newest first)');
  });

  it('exits 3 for a missing actor and 5 for an unknown type', async () => {
    const [missing, unknownType] = await Promise.all([
      trackops('actors', 'inspect', 'order', crypto.randomUUID()),
      trackops('actors', 'inspect', 'spaceship', 'x'),
    ]);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toMatch(/^trackops: NOT_FOUND: order .* does not exist\n$/);
    expect(unknownType.code).toBe(EXIT.badInput);
  });
});

describe('trackops actors send', () => {
  it('applies the event, and the journal shows who sent it', async () => {
    const id = await placedOrder();
    const sent = await trackops(
      'actors',
      'send',
      'order',
      id,
      '{"type":"order.confirm"}',
      '--as',
      'ops:alice',
    );
    expect(sent.code).toBe(EXIT.ok);
    expect(sent.stdout).toContain(`order ${id}: order.confirm applied`);
    expect(sent.stdout).toMatch(/state +CONFIRMED/);
    expect(sent.stdout).toMatch(/sent by +ops:alice/);
    const inspected = await trackops('actors', 'inspect', 'order', id);
    expect(inspected.stdout).toMatch(
      /2 +order\.confirm +PENDING -> CONFIRMED +\S+ +\S+ ms +\S+ \S+ +ops:alice/,
    );
  });

  it('sends as cli:<OS user> by default, and prints the API answer with --json', async () => {
    const id = await placedOrder();
    const sent = await trackops('actors', 'send', 'order', id, '{"type":"order.confirm"}', '--json');
    expect(JSON.parse(sent.stdout)).toMatchObject({ version: 2, state: 'CONFIRMED', duplicate: false });
    const [latest] = await sut.client.actors.journal.query({ type: 'order', id, limit: 1 });
    expect(latest?.sentBy).toBe(`cli:${userInfo().username}`);
  });

  it('exits 4 for an event the state does not accept, and changes nothing', async () => {
    const id = await placedOrder();
    const rejected = await trackops('actors', 'send', 'order', id, '{"type":"order.deliver"}');
    expect(rejected.code).toBe(EXIT.conflict);
    expect(rejected.stderr).toContain('CONFLICT');
    expect((await sut.client.actors.inspect.query({ type: 'order', id })).version).toBe(1);
  });

  it('refuses malformed event JSON as bad input before any request (even with no server to ask)', async () => {
    const cases = ['{type: order.confirm}', '["order.confirm"]', '{"reason":"no type"}'];
    const results = await Promise.all(
      cases.map((event) => runTrackops(UNREACHABLE, ['actors', 'send', 'order', 'o-1', event])),
    );
    for (const result of results) {
      expect(result.code).toBe(EXIT.badInput);
      expect(result.stderr).toMatch(/^trackops: <event-json> /);
    }
  });

  it('exits 3 for an actor that does not exist, and 5 for an unknown type', async () => {
    const [missing, unknownType] = await Promise.all([
      trackops('actors', 'send', 'order', crypto.randomUUID(), '{"type":"order.confirm"}'),
      trackops('actors', 'send', 'spaceship', 'x', '{"type":"launch"}'),
    ]);
    expect(missing.code).toBe(EXIT.notFound);
    expect(unknownType.code).toBe(EXIT.badInput);
  });
});

describe('trackops machines', () => {
  it('lists the machines and exports one as mermaid, DOT and JSON, printed as is', async () => {
    const [list, mermaid, dot, json, defaulted, unknown, badFormat] = await Promise.all([
      trackops('machines', 'ls'),
      trackops('machines', 'export', 'order', '--format', 'mermaid'),
      trackops('machines', 'export', 'order', '--format', 'dot'),
      trackops('machines', 'export', 'order', '--format', 'json'),
      trackops('machines', 'export', 'orderSaga'),
      trackops('machines', 'export', 'spaceship', '--format', 'dot'),
      trackops('machines', 'export', 'order', '--format', 'png'),
    ]);
    expect(list.stdout).toMatch(/^NAME +ID +VERSION\n/);
    expect(list.stdout).toMatch(/\norderSaga +orderSaga +/);
    expect(mermaid.stdout).toMatch(/^stateDiagram-v2\n/);
    expect(mermaid.stdout).toContain('state "CONFIRMED"');
    expect(dot.stdout).toMatch(/^digraph "order" \{/);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'order' });
    expect(defaulted.stdout).toMatch(/^stateDiagram-v2\n/);
    expect(unknown.code).toBe(EXIT.badInput);
    expect(badFormat.code).toBe(EXIT.usage);
  });
});

describe('trackops dlq', () => {
  it('lists dead letters as JSON or a table, and redrives by topic or id', async () => {
    const topic = sut.topic('cli.nothing.here');
    const [json, table, redriveTopic, redriveMissing, neither, both] = await Promise.all([
      trackops('dlq', 'ls', '--json', '--status', 'parked', '--limit', '5'),
      trackops('dlq', 'ls', '--topic', topic),
      trackops('dlq', 'redrive', '--topic', topic),
      trackops('dlq', 'redrive', '--id', crypto.randomUUID()),
      trackops('dlq', 'redrive'),
      trackops('dlq', 'redrive', '--id', crypto.randomUUID(), '--topic', topic),
    ]);
    expect(json.code).toBe(EXIT.ok);
    expect(Array.isArray(JSON.parse(json.stdout))).toBe(true);
    expect(table.stdout).toBe('no dead letters match\n');
    expect(redriveTopic).toMatchObject({ code: EXIT.ok, stdout: 'redriven: 0, failed again: 0\n' });
    expect(redriveMissing.code).toBe(EXIT.notFound);
    expect(neither.code).toBe(EXIT.usage);
    expect(neither.stderr).toContain('give --id <uuid> or --topic <topic>');
    expect(both.code).toBe(EXIT.usage);
  });
});

describe('every command', () => {
  it('answers --help with exit 0 from the binary (cli/help.test.ts covers each command in process)', async () => {
    const commands = [[], ['actors', 'send']];
    const results = await Promise.all(
      commands.map((command) => runTrackops(undefined, [...command, '--help'])),
    );
    results.forEach((result, index) => {
      expect(result.code, commands[index]?.join(' ')).toBe(EXIT.ok);
      expect(result.stdout).toMatch(/^Usage: trackops/);
    });
    expect(results[0]?.stdout).toContain('Exit codes:');
  });

  it('exits 6 when TrackOps cannot be reached', async () => {
    const [list, inspect] = await Promise.all([
      runTrackops(UNREACHABLE, ['actors', 'ls']),
      runTrackops(undefined, ['actors', 'inspect', 'order', 'x'], { TRACKOPS_URL: UNREACHABLE }),
    ]);
    for (const result of [list, inspect]) {
      expect(result.code).toBe(EXIT.unavailable);
      expect(result.stderr).toMatch(/^trackops: cannot reach TrackOps: /);
    }
  });
});

describe('the API key', () => {
  it('is sent as a bearer token by the CLI (--api-key or TRACKOPS_API_KEY) and by the client on subscriptions', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await runTrackops(url, ['--api-key', 'key-from-option', 'actors', 'ls']);
      await runTrackops(url, ['machines', 'ls'], { TRACKOPS_API_KEY: 'key-from-env' });
      const subscription = createTrackOpsClient(url, { apiKey: 'key-of-watch' }).actors.watch.subscribe(
        { type: 'order', id: 'o-1' },
        { onError: () => {} },
      );
      await waitFor(() => seen.length >= 3, { what: 'the subscription request' });
      subscription.unsubscribe();
      expect(seen.map((headers) => headers.authorization).slice(0, 3)).toEqual([
        'Bearer key-from-option',
        'Bearer key-from-env',
        'Bearer key-of-watch',
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
