import { Command, CommanderError } from 'commander';
import { createTrackOpsClient, type TrackOpsClient } from '../api/client.ts';
import { CliFailure, registerNodeCommand } from './commands/node.ts';
import { registerOrderCommands } from './commands/orders.ts';
import { describeFailure, EXIT } from './exitCodes.ts';

/**
 * The `trackops` command, built on the typed client. Output is JSON on stdout; errors are one line on stderr
 * with a documented exit code (cli/exitCodes.ts).
 */
export function createProgram(write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  const program = new Command('trackops')
    .description('inspect and drive a TrackOps system')
    .option('--url <url>', 'TrackOps API base URL', process.env['TRACKOPS_URL'] ?? 'http://127.0.0.1:3000')
    .exitOverride();

  const run = async (action: (client: TrackOpsClient) => Promise<unknown>): Promise<void> => {
    const { url } = program.opts<{ url: string }>();
    write(`${JSON.stringify(await action(createTrackOpsClient(url)), null, 2)}\n`);
  };

  program
    .command('health')
    .description('readiness of PostgreSQL, Redis, NATS and Kafka (exit 6 when not ready)')
    .action(async () => {
      const { url } = program.opts<{ url: string }>();
      const readiness = await createTrackOpsClient(url).health.ready.query();
      write(`${JSON.stringify(readiness, null, 2)}\n`);
      if (!readiness.ready) process.exitCode = EXIT.unavailable;
    });
  registerOrderCommands(program, run);
  registerNodeCommand(program, write);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliFailure) {
      process.stderr.write(`trackops: ${error.message}\n`);
      return error.exitCode;
    }
    const failure = describeFailure(error);
    process.stderr.write(`trackops: ${failure.message}\n`);
    return failure.exitCode;
  }
}
