import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrackOpsClient } from '../../api/client.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { TEST_ADMIN_KEY, TEST_ENV } from '../support/testConfig.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * `npm start` with TRACKOPS_NODES=2 (what `npm start -- --nodes 2` sets up): two node processes on consecutive
 * ports that share one system, and one Ctrl-C (SIGINT to the process group) that stops them all cleanly.
 */
let start: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (!start?.pid || start.exitCode !== null || start.signalCode !== null) return;
  process.kill(-start.pid, 'SIGKILL');
});

describe('npm start with two nodes', () => {
  it('prints both nodes, serves one system from either, and stops everything on Ctrl-C', {
    timeout: 240_000,
  }, async () => {
    const port = await twoFreePorts();
    // Its own process group, like a terminal's foreground job, so the test can Ctrl-C the whole of it.
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      env: { ...process.env, ...TEST_ENV, PORT: String(port), TRACKOPS_NODES: '2' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start = child;
    const stdout: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });

    const urls = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
        const text = stdout.join('');
        const first = /^node-1: (\S+)\/trpc$/m.exec(text)?.[1];
        const second = /^node-2: (\S+)\/trpc$/m.exec(text)?.[1];
        return first && second ? { first, second } : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 200, what: 'the lines of node-1 and node-2' },
    );
    expect(urls).toEqual({ first: `http://127.0.0.1:${port}`, second: `http://127.0.0.1:${port + 1}` });

    // Leases may still be settling between the two nodes; a retried create with the same id is the same order.
    const input = validOrderInput({ orderId: crypto.randomUUID() });
    const created = await waitFor(
      () => createTrackOpsClient(urls.first, { apiKey: TEST_ADMIN_KEY }).orders.create.mutate(input),
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: 'an order created through node-1',
      },
    );
    const read = await createTrackOpsClient(urls.second, { apiKey: TEST_ADMIN_KEY }).orders.get.query({
      id: created.id,
    });
    expect(read).toMatchObject({ id: input.orderId, status: created.status, totalAmount: '57.40' });

    process.kill(-(child.pid as number), 'SIGINT');
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, {
      timeoutMs: 60_000,
      what: 'npm start to stop both nodes',
    });
    expect({ code: child.exitCode, signal: child.signalCode }, output).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/node-1: stopped/);
    expect(output).toMatch(/node-2: stopped/);
  });
});

/** A free port whose successor is free too (nodes take PORT, PORT+1); retries when the successor is taken. */
async function twoFreePorts(): Promise<number> {
  return waitFor(
    async () => {
      const port = await listenOn(0);
      if (port >= 65535) return undefined;
      try {
        await listenOn(port + 1);
        return port;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 10_000, what: 'two consecutive free ports' },
  );
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}
