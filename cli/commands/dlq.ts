import { type Command, Option } from 'commander';
import { wholeNumber } from '../argParsers.ts';
import { connect } from '../connection.ts';
import { renderDeadLetters, renderRedriveResult } from '../deadLetterViews.ts';
import { EXIT } from '../exitCodes.ts';
import { print, type Write } from '../output.ts';

/** `trackops dlq ls|redrive`: what the event router parked, and sending it through again. */
const STATUSES = ['parked', 'redriven', 'redrive_failed'] as const;
type DeadLetterStatus = (typeof STATUSES)[number];

export function registerDlqCommands(program: Command, write: Write): void {
  const dlq = program
    .command('dlq')
    .description('dead letters: records the event router parked after its retries, and their redrive');

  dlq
    .command('ls')
    .description('list dead letters, oldest first')
    .option('--topic <topic>', 'only this source topic (with its prefix, e.g. test.shipment.events)')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .option('--key <key>', 'only this record key (an order id, a SKU)')
    .option('--limit <n>', 'at most this many (1-500)', wholeNumber(500), 50)
    .option('--json', 'print the API answer as JSON')
    .action(
      async (options: {
        topic?: string;
        status?: DeadLetterStatus;
        key?: string;
        limit: number;
        json?: boolean;
      }) => {
        const letters = await connect(program).dlq.list.query({
          limit: options.limit,
          ...(options.topic ? { topic: options.topic } : {}),
          ...(options.status ? { status: options.status } : {}),
          ...(options.key ? { key: options.key } : {}),
        });
        print(write, options, letters, (value) => renderDeadLetters(value));
      },
    );

  dlq
    .command('redrive')
    .summary('send dead letters through the event router again (--id or --topic)')
    .description(
      `send parked (or redrive_failed) dead letters through the event router again: one by id, or a topic's (exit ${EXIT.incomplete} if any fails again)`,
    )
    .addOption(new Option('--id <uuid>', 'this dead letter').conflicts('topic'))
    .addOption(new Option('--topic <topic>', 'every redrivable dead letter of this topic, oldest first'))
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { id?: string; topic?: string; json?: boolean }, command: Command) => {
      if (options.id === undefined && options.topic === undefined)
        command.error('error: give --id <uuid> or --topic <topic>');
      const input = options.id !== undefined ? { id: options.id } : { topic: options.topic ?? '' };
      const result = await connect(program).dlq.redrive.mutate(input);
      print(write, options, result, renderRedriveResult);
      if (result.failed.length > 0) process.exitCode = EXIT.incomplete;
    });
}
