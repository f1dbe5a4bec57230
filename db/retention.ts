import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../actors/ports.ts';
import { createWakeableSleep } from '../actors/wakeableSleep.ts';

/**
 * What one retention rule removes: the rows of `table` (keyed by `id`) whose `olderThan` time is more than `hours`
 * old. A null time never matches, so an outbox row is kept until it is published. `olderThan` must be indexed: the
 * batches walk it.
 */
export interface RetentionRule {
  /** For the logs: `journal entries`, `published outbox rows`. */
  readonly name: string;
  readonly table: string;
  readonly olderThan: string;
  readonly hours: number;
}

export interface RetentionOptions {
  readonly orm: MikroORM;
  readonly rules: readonly RetentionRule[];
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly batchSize?: number;
}

/**
 * Deletes what the rules say is past retention, oldest first, in small batches so a large backlog never holds long
 * locks. Every node may run it at once: the deletes are idempotent and batches skip rows another node has locked.
 */
export function createRetention(options: RetentionOptions) {
  const { orm, logger } = options;
  const batchSize = options.batchSize ?? 5000;
  const sleep = createWakeableSleep();
  let running: Promise<void> | undefined;
  let stopped = false;

  /** One pass of one rule; resolves with how many rows it removed. */
  async function prune(rule: RetentionRule): Promise<number> {
    // Table and column names come from code, never from input; the values are parameters.
    const statement = `delete from ${rule.table} where id in (
        select id from ${rule.table} where ${rule.olderThan} < now() - make_interval(hours => ?)
        order by ${rule.olderThan} limit ? for update skip locked)`;
    let removed = 0;
    for (;;) {
      const deleted = (await orm.em.fork().execute(statement, [rule.hours, batchSize], 'run')) as {
        affectedRows?: number;
      };
      const count = deleted.affectedRows ?? 0;
      removed += count;
      if (count < batchSize || stopped) return removed;
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      for (const rule of options.rules) {
        try {
          const removed = await prune(rule);
          if (removed > 0) logger.info({ removed }, `${rule.name} past retention removed`);
        } catch (error) {
          logger.warn({ err: error }, `retention pass over ${rule.name} failed; trying again later`);
        }
      }
      sleep.reset();
      await sleep.sleep(options.intervalMs);
    }
  }

  return {
    prune,
    async start() {
      stopped = false;
      running = loop();
    },
    async stop() {
      stopped = true;
      sleep.wake();
      await running;
    },
  };
}

/** The rules a node runs: the journal and published outbox rows, each unless its retention is 0 (keep). */
export function retentionRules(hours: { journal: number; outbox: number }): RetentionRule[] {
  const rules: RetentionRule[] = [
    { name: 'journal entries', table: 'actor_journal', olderThan: 'at', hours: hours.journal },
    {
      name: 'published outbox rows',
      table: 'outbox_events',
      olderThan: 'published_at',
      hours: hours.outbox,
    },
  ];
  return rules.filter((rule) => rule.hours > 0);
}
