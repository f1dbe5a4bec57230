import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Raw results go to bench/results/<timestamp>.json (git-ignored): every run, not only the medians. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

export async function writeResults(results: unknown, startedAt: Date): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${startedAt.toISOString().replaceAll(':', '-')}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
