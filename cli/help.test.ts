import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from './exitCodes.ts';
import { main } from './main.ts';

/**
 * Every command's --help, in process: the same program the binary runs (test/e2e spawns the binary for the root
 * help and a few commands; one process per command here would cost a second of start-up each).
 */
const COMMANDS = [
  [],
  ['health'],
  ['orders'],
  ['orders', 'get'],
  ['orders', 'list'],
  ['orders', 'items'],
  ['actors'],
  ['actors', 'ls'],
  ['actors', 'inspect'],
  ['actors', 'send'],
  ['dlq'],
  ['dlq', 'ls'],
  ['dlq', 'redrive'],
  ['machines'],
  ['machines', 'ls'],
  ['machines', 'export'],
  ['replay'],
  ['keys'],
  ['keys', 'create'],
  ['keys', 'list'],
  ['keys', 'revoke'],
  ['node'],
];

afterEach(() => {
  vi.restoreAllMocks();
});

async function helpOf(command: string[]): Promise<{ code: number; printed: string }> {
  let printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed += String(chunk);
    return true;
  });
  return { code: await main(['node', 'trackops', ...command, '--help']), printed };
}

describe('trackops <command> --help', () => {
  it.each(COMMANDS.map((command) => [command.join(' ') || '(root)', command] as const))(
    '%s prints its usage and exits 0',
    async (_name, command) => {
      const { code, printed } = await helpOf([...command]);
      expect(code).toBe(EXIT.ok);
      expect(printed).toMatch(/^Usage: trackops/);
      if (command.length > 0) expect(printed).toContain(command.at(-1));
    },
  );

  it('lists the exit codes under the root help', async () => {
    expect((await helpOf([])).printed).toContain('Exit codes:');
  });
});
