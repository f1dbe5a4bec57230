import { type Command, Option } from 'commander';
import { roles } from '../../api/auth/roles.ts';
import { parseKeyCreateOptions } from '../argParsers.ts';
import { connect } from '../connection.ts';
import { EXIT } from '../exitCodes.ts';
import { renderCreatedKey, renderKeys, renderRevokedKey } from '../keyViews.ts';
import { print, type Write } from '../output.ts';

/**
 * `trackops keys create|list|revoke`: the API keys of the system, through the admin-only `keys` router. The key
 * the CLI runs with must be an admin key (any other is refused: exit 7).
 */
export function registerKeyCommands(program: Command, write: Write): void {
  const keys = program
    .command('keys')
    .description(
      `API keys: create, list and revoke them (needs an admin key; exit ${EXIT.unauthorized} if refused)`,
    );

  keys
    .command('create')
    .description('create an API key and print it: the only time its secret is shown')
    .addOption(new Option('--role <role>', 'what the key may do').choices(roles).makeOptionMandatory())
    .addOption(new Option('--customer <id>', 'the customer a customer key acts for (--role customer only)'))
    .requiredOption('--name <name>', 'what the key is for (a person, a service)')
    .option('--json', 'print the API answer as JSON (with the key)')
    .addHelpText(
      'after',
      '\nExamples:\n  trackops keys create --role operator --name "ops: alice"\n  trackops keys create --role customer --customer 3f0c6f5e-8c4b-4a57-9d0e-2d6f1b7c9a10 --name "shop front"',
    )
    .action(async (options: { role: string; customer?: string; name: string; json?: boolean }) => {
      const input = parseKeyCreateOptions(options);
      const created = await connect(program).keys.create.mutate(input);
      print(write, options, created, renderCreatedKey);
    });

  keys
    .command('list')
    .alias('ls')
    .description('every API key, revoked ones included (ids and names, never secrets)')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await connect(program).keys.list.query();
      print(write, options, list, (value) => renderKeys(value));
    });

  keys
    .command('revoke <id>')
    .description(`revoke a key by its id: it is refused from then on (exit ${EXIT.notFound} if unknown)`)
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      print(write, options, await connect(program).keys.revoke.mutate({ id }), renderRevokedKey);
    });
}
