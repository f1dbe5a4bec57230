import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `.trackops/admin.key`: the bootstrap admin key of a developer's machine. `npm start` (scripts/run.ts) creates it
 * when TRACKOPS_ADMIN_KEY is not set and hands it to the node(s) through that variable; the CLI reads it from the
 * current directory when it is given no key. Its mode is 0600, git ignores `.trackops/`, and the key is never
 * printed: only the file's path is.
 */
export const ADMIN_KEY_FILE = join('.trackops', 'admin.key');

/** The shortest admin key the server accepts (TRACKOPS_ADMIN_KEY). */
const MIN_KEY_LENGTH = 32;

/** A new bootstrap admin key: `tko_admin_` and 32 random bytes, base64url. */
export function newAdminKey(): string {
  return `tko_admin_${randomBytes(32).toString('base64url')}`;
}

/** The key in `<directory>/.trackops/admin.key`, or undefined when there is no such file. */
export function readAdminKeyFile(directory: string = process.cwd()): string | undefined {
  const path = join(directory, ADMIN_KEY_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = text.trim();
  // The content is never quoted: a mangled file may still hold most of a real key.
  if (key.length < MIN_KEY_LENGTH || /\s/.test(key)) {
    throw new Error(`${path} does not hold an API key (one line of at least ${MIN_KEY_LENGTH} characters)`);
  }
  return key;
}

/**
 * The key in `<directory>/.trackops/admin.key`, created (directory 0700, file 0600) with a new random key when
 * missing. `created` says which happened; `path` is what may be printed.
 */
export function ensureAdminKeyFile(directory: string): { key: string; path: string; created: boolean } {
  const path = join(directory, ADMIN_KEY_FILE);
  const existing = readAdminKeyFile(directory);
  if (existing !== undefined) return { key: existing, path, created: false };
  mkdirSync(join(directory, '.trackops'), { recursive: true, mode: 0o700 });
  const key = newAdminKey();
  try {
    // `wx`: never overwrite a key another process wrote meanwhile.
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = readAdminKeyFile(directory);
    if (written === undefined) throw error;
    return { key: written, path, created: false };
  }
  // The mode given to writeFileSync passes through the umask; 0600 is what we want whatever the umask.
  chmodSync(path, 0o600);
  return { key, path, created: true };
}
