// `npm start` on a machine that may have never seen the project: install dependencies when they are missing or
// stale, then run the system in the foreground (scripts/run.ts). Plain Node with no dependencies on purpose.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensureDependencies.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const installed = ensureDependencies();
if (installed !== 0) process.exit(installed);

// Plain node with the tsx loader (no launcher process in between), so signals reach run.ts exactly once.
const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts', 'run.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
