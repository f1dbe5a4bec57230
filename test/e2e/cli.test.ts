import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exitCodes.ts';
import { validOrderInput } from '../support/fixtures.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';

/** The real `trackops` binary against a running system: JSON out, documented exit codes. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem({ router: false });
});

afterAll(async () => {
  await sut?.stop();
});

async function trackops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [
      'cli/trackops.mjs',
      '--url',
      sut.trackops.url,
      ...args,
    ]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the trackops CLI', () => {
  it('prints an order as JSON', async () => {
    const { id } = await sut.client.orders.create.mutate(validOrderInput());
    const result = await trackops('orders', 'get', id);
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({ id, status: 'PENDING', totalAmount: '57.40' });
  });

  it('exits 3 for an unknown order, 5 for bad input and 2 for a usage error', async () => {
    const missing = await trackops('orders', 'get', crypto.randomUUID());
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain('NOT_FOUND');
    expect((await trackops('orders', 'get', 'not-a-uuid')).code).toBe(EXIT.badInput);
    expect((await trackops('orders', 'frobnicate')).code).toBe(EXIT.usage);
  });

  it('reports readiness', async () => {
    const result = await trackops('health');
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({ ready: true });
  });
});
