import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The pure core stays pure: machines/ import only xstate and zod (and each other), actors/ no I/O library.
 * This is what lets the same machine definition run, be unit-tested with no I/O, and be drawn.
 */
const root = join(import.meta.dirname, '..', '..');
const IO_LIBRARIES = [
  'pg',
  'ioredis',
  'kafkajs',
  '@nats-io/',
  '@mikro-orm/',
  'pino',
  'node:net',
  'node:http',
  '@trpc/',
];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'testing' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((match) => match[1] ?? '');
}

describe('architecture', () => {
  it('machines/ import only xstate, zod and the runtime types', () => {
    for (const file of sourceFiles('machines')) {
      for (const specifier of importsOf(file)) {
        const allowed = specifier === 'xstate' || specifier === 'zod' || specifier.startsWith('.');
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
        if (specifier.startsWith('.')) {
          expect(relative(root, join(root, file, '..', specifier)), `${file} imports ${specifier}`).toMatch(
            /^(machines|actors)\//,
          );
        }
      }
    }
  });

  it('actors/ (the runtime core) imports no I/O library and no adapter', () => {
    for (const file of sourceFiles('actors')) {
      for (const specifier of importsOf(file)) {
        expect(
          IO_LIBRARIES.some((library) => specifier.startsWith(library)),
          `${file} imports ${specifier}`,
        ).toBe(false);
        expect(specifier, `${file} imports an adapter`).not.toMatch(/\.\.\/(db|bridge|api|cli)\//);
      }
    }
  });
});
