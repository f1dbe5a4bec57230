import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { renderActorInspection, renderActorList, renderSendResult } from '../actorViews.ts';
import { parseDuration, parseEvent, wholeNumber } from '../argParsers.ts';
import { connect } from '../connection.ts';
import { print, type Write } from '../output.ts';

/**
 * `trackops actors ls|inspect|send`: find actors (stuck ones too), see one whole (state, context, host node,
 * timers, journal, unpublished events, dead letters), and send one an event as an operator (audited in its journal).
 */
/** What `actors.inspect` brings of the journal; `--journal` above this asks `actors.journal` for more. */
const INSPECT_JOURNAL = 20;

export function registerActorCommands(program: Command, write: Write): void {
  const actors = program
    .command('actors')
    .description('inspect and steer actors (orders, sagas, inventory items, payments)');

  actors
    .command('ls')
    .description('list actors, most recently changed first')
    .option(
      '--type <type>',
      'only this actor type (order, orderSaga, cancellationSaga, inventoryItem, payment)',
    )
    .option('--state <state>', 'only actors in this state (e.g. PENDING)')
    .option(
      '--stuck-for <duration>',
      'only unfinished actors whose last turn is at least this old (30s, 5m, 2h, 1d)',
      parseDuration,
    )
    .option('--limit <n>', 'at most this many (1-500)', wholeNumber(500), 50)
    .option('--json', 'print the API answer as JSON')
    .action(
      async (options: {
        type?: string;
        state?: string;
        stuckFor?: number;
        limit: number;
        json?: boolean;
      }) => {
        const list = await connect(program).actors.list.query({
          limit: options.limit,
          ...(options.type ? { type: options.type } : {}),
          ...(options.state ? { state: options.state } : {}),
          ...(options.stuckFor === undefined ? {} : { stuckForMs: options.stuckFor }),
        });
        print(write, options, list, (value) => renderActorList(value));
      },
    );

  actors
    .command('inspect <type> <id>')
    .summary('one actor whole: state, host node, context, timers, journal, outbox, dead letters')
    .description(
      'one actor whole: state, version, host node, context, pending timers, journal, unpublished outbox events and dead letters',
    )
    .option('--journal <n>', 'how many journal entries to show, newest first (1-500)', wholeNumber(500), 10)
    .option('--json', 'print the API answer as JSON')
    .action(async (type: string, id: string, options: { journal: number; json?: boolean }) => {
      const client = connect(program);
      const [actor, journal] = await Promise.all([
        client.actors.inspect.query({ type, id }),
        options.journal > INSPECT_JOURNAL
          ? client.actors.journal.query({ type, id, limit: options.journal })
          : undefined,
      ]);
      const shown = { ...actor, journal: (journal ?? actor.journal).slice(0, options.journal) };
      print(write, options, shown, (value) => renderActorInspection(value));
    });

  actors
    .command('send <type> <id> <event-json>')
    .summary('deliver an event to an actor as an operator (recorded in its journal)')
    .description(
      'deliver an event to an actor as an operator, e.g. \'{"type":"order.process"}\'; the journal records the sender',
    )
    .option('--as <who>', 'the sender the journal records', defaultSender())
    .addHelpText(
      'after',
      `
Examples:
  trackops actors send order <id> '{"type":"order.process"}'
  trackops actors send order <id> '{"type":"order.cancel","reason":"customer called"}' --as ops:alice`,
    )
    .option('--json', 'print the API answer as JSON')
    .action(async (type: string, id: string, eventJson: string, options: { as: string; json?: boolean }) => {
      const event = parseEvent(eventJson);
      const result = await connect(program).actors.send.mutate({ type, id, event, sentBy: options.as });
      print(write, options, result, (value) =>
        renderSendResult({ type, id, eventType: event.type, sentBy: options.as }, value),
      );
    });
}

/** `cli:<OS user>`, so the journal tells operators apart even without `--as`. */
function defaultSender(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${process.env['USER'] ?? 'unknown'}`;
  }
}
