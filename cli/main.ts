import { Command, CommanderError } from 'commander';
import { registerActorCommands } from './commands/actors.ts';
import { registerDlqCommands } from './commands/dlq.ts';
import { registerHealthCommand } from './commands/health.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerMachineCommands } from './commands/machines.ts';
import { registerNodeCommand } from './commands/node.ts';
import { registerOrderCommands } from './commands/orders.ts';
import { registerReplayCommand } from './commands/replay.ts';
import { API_KEY_HELP, addConnectionOptions } from './connection.ts';
import { describeFailure, EXIT, EXIT_CODES_HELP } from './exitCodes.ts';
import type { Write } from './output.ts';

/**
 * The `trackops` command, built on the typed client. Read commands print tables for people, or the API's answer
 * as JSON with `--json`; errors are one line on stderr with a documented exit code (cli/exitCodes.ts).
 */
export function createProgram(write: Write = (text) => process.stdout.write(text)): Command {
  const program = addConnectionOptions(
    new Command('trackops')
      .description('inspect and steer a TrackOps system: orders, actors, dead letters, machines, API keys')
      .showHelpAfterError('(add --help for usage)')
      .addHelpText('after', `\n${API_KEY_HELP}\n\n${EXIT_CODES_HELP}`)
      .exitOverride(),
  );
  // One line per command group.
  registerHealthCommand(program, write);
  registerOrderCommands(program, write);
  registerActorCommands(program, write);
  registerDlqCommands(program, write);
  registerMachineCommands(program, write);
  registerReplayCommand(program, write);
  registerKeyCommands(program, write);
  registerNodeCommand(program, write);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    // Commander has already printed its message (or the help); --help and --version end with exit code 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const failure = describeFailure(error);
    process.stderr.write(`trackops: ${failure.message}\n`);
    return failure.exitCode;
  }
}
