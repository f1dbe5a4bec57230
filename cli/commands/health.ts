import type { Command } from 'commander';
import { connect } from '../connection.ts';
import { EXIT } from '../exitCodes.ts';
import { print, renderTable, type Write } from '../output.ts';

/** `trackops health`: whether PostgreSQL, Redis, NATS and Kafka answer the node behind `--url`. */
export function registerHealthCommand(program: Command, write: Write): void {
  program
    .command('health')
    .description(
      `readiness of PostgreSQL, Redis, NATS and Kafka, with latency (exit ${EXIT.unavailable} when not ready)`,
    )
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const readiness = await connect(program).health.ready.query();
      print(write, options, readiness, (value) => {
        const checks = Object.entries(value.checks).map(([name, check]) => ({ name, ...check }));
        const table = renderTable(checks, [
          { header: 'service', value: (check) => check.name },
          { header: 'ok', value: (check) => (check.ok ? 'yes' : 'NO') },
          { header: 'latency', value: (check) => `${check.latencyMs} ms` },
          { header: 'error', value: (check) => check.error, maxWidth: 80 },
        ]);
        return `${value.ready ? 'ready' : 'NOT READY'}\n\n${table}`;
      });
      if (!readiness.ready) process.exitCode = EXIT.unavailable;
    });
}
