// Installs npm dependencies when they are missing or older than package-lock.json. Plain Node with no
// dependencies on purpose: it runs on a fresh checkout before anything is installed (npm start, npm test, CI).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** npm records the installed tree in node_modules/.package-lock.json; an older copy means the lock file changed. */
function dependenciesAreStale() {
  const installed = join(projectDir, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  return statSync(join(projectDir, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs;
}

/** Returns 0 when dependencies are in place, else npm ci's exit code. */
export function ensureDependencies() {
  if (!dependenciesAreStale()) return 0;
  console.error('installing dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: projectDir, stdio: 'inherit' });
  return result.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = ensureDependencies();
