import { type Command, Option } from 'commander';
import type { EXPORT_FORMATS as API_FORMATS } from '../../api/routers/machines.ts';
import { connect } from '../connection.ts';
import { print, renderTable, type Write } from '../output.ts';

/** `trackops machines ls|export`: the machines as the runtime runs them, drawn from their definitions. */
type ExportFormat = (typeof API_FORMATS)[number];
/** Listed here so the CLI does not load the router (and every machine graph) to parse its options. */
const EXPORT_FORMATS = ['mermaid', 'dot', 'json'] as const satisfies readonly ExportFormat[];

export function registerMachineCommands(program: Command, write: Write): void {
  const machines = program.command('machines').description('the state machines the actors run');

  machines
    .command('ls')
    .description('list the machines with their id and version')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await connect(program).machines.list.query();
      print(write, options, list, (value) =>
        renderTable(value, [
          { header: 'name', value: (machine) => machine.name },
          { header: 'id', value: (machine) => machine.id },
          { header: 'version', value: (machine) => machine.version },
        ]),
      );
    });

  machines
    .command('export <name>')
    .summary('print a machine as mermaid, DOT or JSON')
    .description(
      'print a machine as a mermaid state diagram, Graphviz DOT or the JSON graph (generated from its definition)',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(EXPORT_FORMATS)
        .default('mermaid' satisfies ExportFormat),
    )
    .action(async (name: string, options: { format: ExportFormat }) => {
      const text = await connect(program).machines.export.query({ name, format: options.format });
      write(text.endsWith('\n') ? text : `${text}\n`);
    });
}
