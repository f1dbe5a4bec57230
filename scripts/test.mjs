// `npm test`: install dependencies when needed, bring up the local services, then run every vitest project.
// Plain Node with no dependencies, because on a fresh checkout it runs before `npm ci` has installed anything.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensureDependencies.mjs';

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let currentChild;

// Ctrl-C reaches the whole process group anyway; forwarding also covers a signal sent to this process alone.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => currentChild?.kill(signal));
}

/** Runs a command with inherited stdio; resolves to its exit code (128 + signal number when killed). */
function run(command, args) {
  return new Promise((resolve) => {
    currentChild = spawn(command, args, { cwd: projectDir, stdio: 'inherit' });
    currentChild.on('error', (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(1);
    });
    currentChild.on('exit', (code, signal) => {
      currentChild = undefined;
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

async function main() {
  const installed = ensureDependencies();
  if (installed !== 0) return installed;
  const infrastructure = await run('npx', ['tsx', 'scripts/infra.ts', 'up']);
  if (infrastructure !== 0) return infrastructure;
  const results = join(projectDir, '.trackops', 'test-results.json');
  rmSync(results, { force: true }); // never report a previous run's numbers
  const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${results}`];
  const code = await run('npx', ['vitest', 'run', ...reporters, ...process.argv.slice(2)]);
  printSummary(results);
  return code;
}

/** One plain closing line (`N passed, N failed, N skipped`) that any CI can read, whatever the runner prints. */
function printSummary(resultsFile) {
  if (!existsSync(resultsFile)) return;
  const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(
    readFileSync(resultsFile, 'utf8'),
  );
  console.log(
    `\ntests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped`,
  );
}

process.exitCode = await main();
