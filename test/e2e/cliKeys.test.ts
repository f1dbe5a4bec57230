import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY_FILE } from '../../cli/adminKeyFile.ts';
import { EXIT } from '../../cli/exitCodes.ts';
import { SHOWN_ONLY_NOW } from '../../cli/keyViews.ts';
import { TEST_ADMIN_KEY } from '../support/testConfig.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';
import { type CliResult, runTrackops } from '../support/trackopsCli.ts';

/**
 * `trackops keys create|list|revoke` with the real binary against a running system: a key is shown once, works at
 * once, and is refused (exit 7) once revoked; bad arguments are usage errors before any request.
 */
let sut: TestSystem;
let scratch: string;

beforeAll(async () => {
  sut = await startTestSystem({ router: false });
  scratch = mkdtempSync(join(tmpdir(), 'trackops-cli-keys-'));
});

afterAll(async () => {
  await sut?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** As the test admin (runTrackops's default key), or with `key` ('' for none). */
const trackops = (args: string[], key?: string) =>
  runTrackops(sut.trackops.url, args, key === undefined ? {} : { TRACKOPS_API_KEY: key });

async function createKey(...args: string[]): Promise<{ id: string; key: string; role: string }> {
  const result = await trackops(['keys', 'create', ...args, '--json']);
  expect(result.code, result.stderr).toBe(EXIT.ok);
  return JSON.parse(result.stdout);
}

describe('trackops keys', () => {
  it('creates a key and shows it once; the list names it without its secret; it works at once', async () => {
    const name = `ops ${crypto.randomUUID()}`;
    const human = await trackops(['keys', 'create', '--role', 'operator', '--name', name]);
    expect(human.code, human.stderr).toBe(EXIT.ok);
    const key = /^key +(\S+)$/m.exec(human.stdout)?.[1] ?? '';
    const id = /^id +(\S+)$/m.exec(human.stdout)?.[1] ?? '';
    expect(key).toMatch(new RegExp(`^tko_${id}_`));
    expect(human.stdout).toMatch(/^role +operator$/m);
    expect(human.stdout).toContain(SHOWN_ONLY_NOW);

    const [table, json] = await Promise.all([
      trackops(['keys', 'list']),
      trackops(['keys', 'list', '--json']),
    ]);
    expect(table.stdout).toMatch(/^ID +NAME +ROLE +CUSTOMER +CREATED +REVOKED$/m);
    expect(table.stdout).toMatch(new RegExp(`^${id} +ops \\S+ +operator +- +\\S+ \\S+ \\([^)]*\\) +-$`, 'm'));
    expect(JSON.parse(json.stdout)).toContainEqual(
      expect.objectContaining({ id, name, role: 'operator', revokedAt: null }),
    );
    expect(table.stdout + json.stdout).not.toContain(key);

    const withKey = await trackops(['orders', 'list', '--limit', '1'], key);
    expect(withKey.code, withKey.stderr).toBe(EXIT.ok);
  });

  it('creates a customer key for one customer (--json gives the whole answer)', async () => {
    const customerId = crypto.randomUUID();
    const created = await createKey('--role', 'customer', '--customer', customerId, '--name', 'shop front');
    expect(created).toMatchObject({ role: 'customer', customerId, name: 'shop front' });
    expect(created.key).toMatch(/^tko_/);
    const list = await trackops(['keys', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${created.id} +shop front +customer +${customerId} `, 'm'));
  });

  it('revokes a key: it is refused from then on (exit 7), and the list shows when; an unknown id is 3', async () => {
    const created = await createKey('--role', 'service', '--name', 'to revoke');
    const revoked = await trackops(['keys', 'revoke', created.id]);
    expect(revoked.code, revoked.stderr).toBe(EXIT.ok);
    expect(revoked.stdout).toMatch(new RegExp(`^key ${created.id} revoked at \\d{4}-\\d\\d-\\d\\d `));

    const refused = await trackops(['orders', 'list'], created.key);
    expect(refused.code).toBe(EXIT.unauthorized);
    expect(refused.stderr).toMatch(/^trackops: UNAUTHORIZED: /);
    expect(refused.stderr).not.toContain(created.key);
    const listed = JSON.parse((await trackops(['keys', 'list', '--json'])).stdout) as { id: string }[];
    expect(listed.find((key) => key.id === created.id)).toMatchObject({ revokedAt: expect.any(String) });

    const missing = await trackops(['keys', 'revoke', 'no-such-key']);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain('NOT_FOUND');
  });

  it('refuses no key, a wrong key and a key whose role may not manage keys, all with exit 7', async () => {
    const operator = await createKey('--role', 'operator', '--name', 'not an admin');
    const [none, wrong, forbidden] = await Promise.all([
      trackops(['keys', 'list'], ''),
      trackops(['keys', 'list'], 'tko_000000000000_wrong-secret-wrong-secret-wrong-secret'),
      trackops(['keys', 'create', '--role', 'admin', '--name', 'escalate'], operator.key),
    ]);
    expect([none.code, wrong.code, forbidden.code]).toEqual([
      EXIT.unauthorized,
      EXIT.unauthorized,
      EXIT.unauthorized,
    ]);
    expect(none.stderr).toContain('UNAUTHORIZED');
    expect(wrong.stderr).toContain('UNAUTHORIZED');
    expect(forbidden.stderr).toContain('FORBIDDEN');
  });

  it('bad arguments are usage errors (exit 2), sent nowhere', async () => {
    const cases = [
      ['keys', 'create', '--role', 'root', '--name', 'x'],
      ['keys', 'create', '--role', 'operator'],
      ['keys', 'create', '--name', 'x'],
      ['keys', 'create', '--role', 'customer', '--name', 'x'],
      ['keys', 'create', '--role', 'service', '--customer', crypto.randomUUID(), '--name', 'x'],
      ['keys', 'revoke'],
      ['keys', 'rotate'],
    ];
    // An unreachable URL: a request would exit 6, not 2.
    const results = await Promise.all(cases.map((args) => runTrackops('http://127.0.0.1:9', args)));
    expect(results.map((result) => result.code)).toEqual(cases.map(() => EXIT.usage));
    const help = await runTrackops(undefined, ['keys', 'create', '--help']);
    expect(help.stdout).toContain('the only time its secret is shown');
  });

  it('without --api-key or TRACKOPS_API_KEY, reads .trackops/admin.key from the current directory', async () => {
    mkdirSync(join(scratch, '.trackops'), { recursive: true });
    writeFileSync(join(scratch, ADMIN_KEY_FILE), `${TEST_ADMIN_KEY}\n`, { mode: 0o600 });
    const result = await runInDirectory(scratch, ['--url', sut.trackops.url, 'keys', 'list', '--json']);
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout)).toContainEqual(expect.objectContaining({ role: 'admin' }));
    const help = await runInDirectory(scratch, ['--help']);
    expect(help.stdout).toContain(`./${ADMIN_KEY_FILE}`);
  });
});

/** The CLI run from `directory`, with neither TRACKOPS_API_KEY nor TRACKOPS_URL in its environment. */
async function runInDirectory(directory: string, args: string[]): Promise<CliResult> {
  const { TRACKOPS_URL: _url, TRACKOPS_API_KEY: _key, ...env } = process.env;
  const cli = join(import.meta.dirname, '..', '..', 'cli', 'trackops.mjs');
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
      cwd: directory,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: unknown; stdout: string; stderr: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
