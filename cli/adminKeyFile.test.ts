import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY_FILE, ensureAdminKeyFile, newAdminKey, readAdminKeyFile } from './adminKeyFile.ts';
import { resolveApiKey } from './connection.ts';
import { CliFailure, EXIT } from './exitCodes.ts';

const directories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), 'trackops-admin-key-'));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('.trackops/admin.key', () => {
  it('a new admin key is tko_admin_ and 32 random bytes in base64url', () => {
    const key = newAdminKey();
    expect(key).toMatch(/^tko_admin_[A-Za-z0-9_-]{43}$/);
    expect(newAdminKey()).not.toBe(key);
  });

  it('is created once, readable only by its owner, and read back the same afterwards', () => {
    const directory = scratch();
    expect(readAdminKeyFile(directory)).toBeUndefined();
    const first = ensureAdminKeyFile(directory);
    expect(first).toMatchObject({ created: true, path: join(directory, ADMIN_KEY_FILE) });
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(directory, '.trackops')).mode & 0o077).toBe(0);
    const second = ensureAdminKeyFile(directory);
    expect(second).toEqual({ ...first, created: false });
    expect(readAdminKeyFile(directory)).toBe(first.key);
  });

  it('refuses a file that holds no key, without quoting it', () => {
    const directory = scratch();
    mkdirSync(join(directory, '.trackops'));
    writeFileSync(join(directory, ADMIN_KEY_FILE), 'tko_admin_short\n');
    expect(() => readAdminKeyFile(directory)).toThrow(/does not hold an API key/);
    expect(() => readAdminKeyFile(directory)).not.toThrow(/short/);
  });
});

describe('the key the CLI sends', () => {
  it('is --api-key or TRACKOPS_API_KEY when given, else the admin key file, else none', () => {
    const directory = scratch();
    expect(resolveApiKey('tko_given', directory)).toBe('tko_given');
    expect(resolveApiKey(undefined, directory)).toBeUndefined();
    const { key } = ensureAdminKeyFile(directory);
    expect(resolveApiKey(undefined, directory)).toBe(key);
    expect(resolveApiKey('tko_given', directory)).toBe('tko_given');
    // TRACKOPS_API_KEY= (empty) sends no key, even beside the file.
    expect(resolveApiKey('', directory)).toBeUndefined();
  });

  it('a broken key file is a usage error', () => {
    const directory = scratch();
    mkdirSync(join(directory, '.trackops'));
    writeFileSync(join(directory, ADMIN_KEY_FILE), '\n');
    expect(() => resolveApiKey(undefined, directory)).toThrow(CliFailure);
    try {
      resolveApiKey(undefined, directory);
    } catch (error) {
      expect((error as CliFailure).exitCode).toBe(EXIT.usage);
    }
  });
});
